package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// The API of the production control center's registry (业务代表名册): decode, call the service,
// encode. The registry page changes it through the same operations.

// Registry mounts the API of the registry.
func (a *API) Registry(r chi.Router) {
	r.Get("/representatives", a.listPosts)
	r.Post("/representatives", a.createPost)
	r.Post("/representatives/{id}/end", a.postEndPost)
}

// listPosts answers the registry the query lets through, by department, post and person.
func (a *API) listPosts(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := a.svc.Posts(ctx, r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, list)
}

// createPost gives someone a post.
func (a *API) createPost(w http.ResponseWriter, r *http.Request) {
	var in service.PostInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, err := a.svc.AddPost(ctx, door.User(r.Context()), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusCreated, p)
}

// postEndPost ends a post.
func (a *API) postEndPost(w http.ResponseWriter, r *http.Request) {
	var in service.EndPostInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, err := a.svc.EndPost(ctx, door.User(r.Context()), chi.URLParam(r, "id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, p)
}
