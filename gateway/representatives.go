package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"signoff/service"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/policy"
	"signoff/store"
)

// The production control center's registry (业务代表名册): who represents each department at
// the center, who directs and dispatches it, and which leader answers for each department, each
// for a period of days. Everyone signed in may read it; the general manager and the center's
// director or deputies in office keep it. The API and the registry page change it through the
// same operations below (addPost, endPost).

// registryAPI mounts the API of the registry.
func (s *server) registryAPI(r chi.Router) {
	r.Get("/representatives", s.listPosts)
	r.Post("/representatives", s.createPost)
	r.Post("/representatives/{id}/end", s.postEndPost)
}

// roleGeneralManager is the org role that may always keep the registry.
const roleGeneralManager = "general_manager"

var errNotRegistrar = &apiError{Status: http.StatusForbidden, Code: "not_registrar",
	Message: "Only the general manager or the production control center's director or deputy may change the registry."}

// maxPostNote bounds a post's note as typed.
const maxPostNote = 500

// postInput is a post as a client gives it to someone.
type postInput struct {
	UserID       string  `json:"user_id"`
	Post         string  `json:"post"`
	DepartmentID string  `json:"department_id"`
	ValidFrom    string  `json:"valid_from"` // YYYY-MM-DD, the first day
	ValidTo      *string `json:"valid_to"`   // YYYY-MM-DD, the last day; null, absent or "": open-ended
	Note         string  `json:"note"`
}

// endPostInput ends a post.
type endPostInput struct {
	ValidTo string `json:"valid_to"` // YYYY-MM-DD, the last day it is held
}

// postView is a post as the API shows it.
type postView struct {
	ID           int64     `json:"id"`
	User         userRef   `json:"user"`
	Post         string    `json:"post"`
	DepartmentID string    `json:"department_id"`
	ValidFrom    string    `json:"valid_from"`
	ValidTo      *string   `json:"valid_to"`
	InForce      bool      `json:"in_force"`
	Note         string    `json:"note"`
	CreatedBy    userRef   `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	EndedBy      *userRef  `json:"ended_by"`
}

// postList is the registry on a day: every post the query lets through, in_force judged on At.
type postList struct {
	At    string     `json:"at"`
	Items []postView `json:"items"`
}

// registryDay is the current policy and today's date in its timezone (midnight UTC).
func (s *server) registryDay(ctx context.Context) (*policy.Document, time.Time, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil, time.Time{}, service.Internal(fmt.Errorf("policy: %w", err))
	}
	today, err := s.today(doc)
	if err != nil {
		return nil, time.Time{}, err
	}
	return doc, today, nil
}

// mayKeepRegistry reports whether a person may change the registry on a day: the general
// manager, or a director or deputy of the center in office that day.
func (s *server) mayKeepRegistry(ctx context.Context, u store.User, day time.Time) (bool, error) {
	if holdsAny(u, roleGeneralManager) {
		return true, nil
	}
	posts, err := s.store.PostsOf(ctx, u.ID, day)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(posts, func(p store.Post) bool {
		return p.Post == store.PostCenterDirector || p.Post == store.PostCenterDeputy
	}), nil
}

// requireRegistrar refuses anyone who may not change the registry today.
func (s *server) requireRegistrar(ctx context.Context, u store.User, today time.Time) error {
	ok, err := s.mayKeepRegistry(ctx, u, today)
	switch {
	case err != nil:
		return fmt.Errorf("registry keeper: %w", err)
	case !ok:
		return errNotRegistrar
	}
	return nil
}

// addPost gives someone a post for a registry keeper; the API and the registry page add through
// it. Every problem is reported at once and none writes.
func (s *server) addPost(ctx context.Context, u store.User, in postInput) (store.Post, error) {
	doc, today, err := s.registryDay(ctx)
	if err != nil {
		return store.Post{}, err
	}
	if err := s.requireRegistrar(ctx, u, today); err != nil {
		return store.Post{}, err
	}
	bad := service.FieldErrors{}
	n := store.NewPost{UserID: strings.TrimSpace(in.UserID), Post: in.Post, DepartmentID: strings.TrimSpace(in.DepartmentID)}
	if n.UserID == "" {
		bad.Add("user_id", "required")
	} else if _, err := s.store.UserByID(ctx, n.UserID); errors.Is(err, store.ErrNotFound) {
		bad.Add("user_id", "inactive_user", n.UserID)
	} else if err != nil {
		return store.Post{}, fmt.Errorf("add post: %w", err)
	}
	checkChoice(bad, "post", n.Post, store.RegistryPosts)
	if _, ok := doc.Department(n.DepartmentID); n.DepartmentID != "" && !ok {
		bad.Add("department_id", "unknown_department", n.DepartmentID)
	}
	if slices.Contains(store.RegistryPosts, n.Post) {
		switch {
		case store.PostOfDepartment(n.Post) && n.DepartmentID == "":
			bad.Add("department_id", "required")
		case !store.PostOfDepartment(n.Post) && n.DepartmentID != "":
			bad.Add("department_id", "center_post_department")
		}
	}
	var fromOK bool
	n.ValidFrom, fromOK = checkDay(bad, "valid_from", in.ValidFrom)
	if in.ValidTo != nil && strings.TrimSpace(*in.ValidTo) != "" {
		to, ok := checkDay(bad, "valid_to", *in.ValidTo)
		if ok && fromOK && to.Before(n.ValidFrom) {
			bad.Add("valid_to", "post_ends_before_start", n.ValidFrom.Format(time.DateOnly))
		}
		n.ValidTo = &to
	}
	n.Note = checkText(bad, "note", in.Note, maxPostNote, false)
	if err := bad.Err(); err != nil {
		return store.Post{}, err
	}
	p, err := s.store.AddPost(ctx, u.ID, n)
	if err != nil {
		return store.Post{}, fmt.Errorf("add post: %w", err)
	}
	return p, nil
}

// endPost sets the last day of a post for a registry keeper.
func (s *server) endPost(ctx context.Context, u store.User, id string, in endPostInput) (store.Post, error) {
	_, today, err := s.registryDay(ctx)
	if err != nil {
		return store.Post{}, err
	}
	if err := s.requireRegistrar(ctx, u, today); err != nil {
		return store.Post{}, err
	}
	postID, err := strconv.ParseInt(id, 10, 64)
	if err != nil || postID <= 0 {
		return store.Post{}, errNotFound
	}
	bad := service.FieldErrors{}
	to, _ := checkDay(bad, "valid_to", in.ValidTo)
	if err := bad.Err(); err != nil {
		return store.Post{}, err
	}
	p, err := s.store.EndPost(ctx, u.ID, postID, to)
	if err != nil {
		return store.Post{}, fmt.Errorf("end post: %w", err)
	}
	return p, nil
}

// registryFailure turns the store's refusals of a registry change into what the client is told.
func registryFailure(err error) error {
	var (
		overlap *store.PostOverlapError
		end     *store.PostEndError
	)
	switch {
	case errors.As(err, &overlap):
		held := overlap.Existing
		details := map[string]any{"post_id": held.ID, "valid_from": held.ValidFrom.Format(time.DateOnly), "valid_to": nil}
		until := "with no end"
		if held.ValidTo != nil {
			to := held.ValidTo.Format(time.DateOnly)
			details["valid_to"], until = to, "to "+to
		}
		return &apiError{Status: http.StatusConflict, Code: "post_overlaps",
			Message: fmt.Sprintf("%s already holds this post from %s %s; the periods would overlap.", held.UserID,
				held.ValidFrom.Format(time.DateOnly), until),
			Details: details}
	case errors.As(err, &end):
		if end.BeforeStart() {
			return service.FieldErrors{"valid_to": {Key: "post_ends_before_start", Args: []any{end.Post.ValidFrom.Format(time.DateOnly)}}}.Err()
		}
		return service.FieldErrors{"valid_to": {Key: "post_ends_earlier", Args: []any{end.Post.ValidTo.Format(time.DateOnly)}}}.Err()
	}
	return err
}

// postFilter reads the list's query parameters: the filter and the day in_force is judged on
// (at, or today).
func postFilter(r *http.Request, doc *policy.Document, today time.Time) (store.PostFilter, time.Time, error) {
	q := r.URL.Query()
	bad := service.FieldErrors{}
	f := store.PostFilter{Department: strings.TrimSpace(q.Get("department")), Post: q.Get("post"),
		UserID: strings.TrimSpace(q.Get("user"))}
	if _, ok := doc.Department(f.Department); f.Department != "" && !ok {
		bad.Add("department", "unknown_department", f.Department)
	}
	if f.Post != "" && !slices.Contains(store.RegistryPosts, f.Post) {
		bad.Add("post", "one_of", store.RegistryPosts)
	}
	day := today
	if v := q.Get("at"); v != "" {
		if at, ok := checkDay(bad, "at", v); ok {
			f.At, day = &at, at
		}
	}
	return f, day, bad.Err()
}

// postViews shows posts with the names of the people they name; in_force is judged on day.
func (s *server) postViews(ctx context.Context, posts []store.Post, day time.Time) ([]postView, error) {
	ids := make([]string, 0, 3*len(posts))
	for _, p := range posts {
		ids = append(ids, p.UserID, p.CreatedBy, p.EndedBy)
	}
	names, err := s.names(ctx, slices.DeleteFunc(ids, func(id string) bool { return id == "" }))
	if err != nil {
		return nil, err
	}
	out := make([]postView, 0, len(posts))
	for _, p := range posts {
		v := postView{ID: p.ID, User: names.ref(p.UserID), Post: p.Post, DepartmentID: p.DepartmentID,
			ValidFrom: p.ValidFrom.Format(time.DateOnly), InForce: p.InForce(day), Note: p.Note,
			CreatedBy: names.ref(p.CreatedBy), CreatedAt: p.CreatedAt.UTC(), EndedBy: names.optRef(p.EndedBy)}
		if p.ValidTo != nil {
			to := p.ValidTo.Format(time.DateOnly)
			v.ValidTo = &to
		}
		out = append(out, v)
	}
	return out, nil
}

// listPosts answers the registry the query lets through, by department, post and person.
func (s *server) listPosts(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	doc, today, err := s.registryDay(ctx)
	if err != nil {
		s.fail(w, r, fmt.Errorf("list posts: %w", err))
		return
	}
	f, day, err := postFilter(r, doc, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	posts, err := s.store.Posts(ctx, f)
	if err != nil {
		s.fail(w, r, fmt.Errorf("list posts: %w", err))
		return
	}
	items, err := s.postViews(ctx, posts, day)
	if err != nil {
		s.fail(w, r, fmt.Errorf("list posts: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, postList{At: day.Format(time.DateOnly), Items: items})
}

// createPost gives someone a post.
func (s *server) createPost(w http.ResponseWriter, r *http.Request) {
	var in postInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, err := s.addPost(ctx, userFrom(r.Context()), in)
	if err != nil {
		s.fail(w, r, registryFailure(err))
		return
	}
	s.answerPost(ctx, w, r, http.StatusCreated, p)
}

// postEndPost ends a post.
func (s *server) postEndPost(w http.ResponseWriter, r *http.Request) {
	var in endPostInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, err := s.endPost(ctx, userFrom(r.Context()), chi.URLParam(r, "id"), in)
	if err != nil {
		s.fail(w, r, registryFailure(err))
		return
	}
	s.answerPost(ctx, w, r, http.StatusOK, p)
}

// answerPost writes a changed post, in_force judged today.
func (s *server) answerPost(ctx context.Context, w http.ResponseWriter, r *http.Request, status int, p store.Post) {
	_, today, err := s.registryDay(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views, err := s.postViews(ctx, []store.Post{p}, today)
	if err != nil {
		s.fail(w, r, service.Internal(fmt.Errorf("read back post %d: %w", p.ID, err)))
		return
	}
	writeJSON(w, status, views[0])
}
