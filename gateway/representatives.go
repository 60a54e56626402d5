package gateway

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/service"
)

// The API of the production control center's registry (业务代表名册): decode, call the service,
// encode. The registry page changes it through the same operations.

// registryAPI mounts the API of the registry.
func (s *server) registryAPI(r chi.Router) {
	r.Get("/representatives", s.listPosts)
	r.Post("/representatives", s.createPost)
	r.Post("/representatives/{id}/end", s.postEndPost)
}

// registryFailure adds to an overlapping post's refusal the post already held, as the API
// describes it (details.post_id, valid_from, valid_to).
func registryFailure(err error) error {
	var overlap *service.PostOverlapError
	if !errors.As(err, &overlap) {
		return err
	}
	held := overlap.Existing
	details := map[string]any{"post_id": held.ID, "valid_from": held.ValidFrom.Format(time.DateOnly), "valid_to": nil}
	if held.ValidTo != nil {
		details["valid_to"] = held.ValidTo.Format(time.DateOnly)
	}
	return &apiError{Status: http.StatusConflict, Code: "post_overlaps", Message: overlap.Error(), Details: details}
}

// listPosts answers the registry the query lets through, by department, post and person.
func (s *server) listPosts(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := s.svc.Posts(ctx, r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// createPost gives someone a post.
func (s *server) createPost(w http.ResponseWriter, r *http.Request) {
	var in service.PostInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, err := s.svc.AddPost(ctx, userFrom(r.Context()), in)
	if err != nil {
		s.fail(w, r, registryFailure(err))
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

// postEndPost ends a post.
func (s *server) postEndPost(w http.ResponseWriter, r *http.Request) {
	var in service.EndPostInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, err := s.svc.EndPost(ctx, userFrom(r.Context()), chi.URLParam(r, "id"), in)
	if err != nil {
		s.fail(w, r, registryFailure(err))
		return
	}
	writeJSON(w, http.StatusOK, p)
}
