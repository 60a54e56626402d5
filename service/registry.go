package service

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"signoff/policy"
	"signoff/store"
)

// The production control center's registry (业务代表名册): who represents each department at
// the center, who directs and dispatches it, and which leader answers for each department, each
// for a period of days. Everyone signed in may read it; those the policy grants registry.edit keep it.

// maxPostNote bounds a post's note as typed.
const maxPostNote = 500

// PostInput is a post as a client gives it to someone.
type PostInput struct {
	UserID       string  `json:"user_id"`
	Post         string  `json:"post"`
	DepartmentID string  `json:"department_id"`
	ValidFrom    string  `json:"valid_from"` // YYYY-MM-DD, the first day
	ValidTo      *string `json:"valid_to"`   // YYYY-MM-DD, the last day; null, absent or "": open-ended
	Note         string  `json:"note"`
}

// EndPostInput ends a post.
type EndPostInput struct {
	ValidTo string `json:"valid_to"` // YYYY-MM-DD, the last day it is held
}

// PostView is a post as the API shows it.
type PostView struct {
	ID           int64     `json:"id"`
	User         UserRef   `json:"user"`
	Post         string    `json:"post"`
	DepartmentID string    `json:"department_id"`
	ValidFrom    string    `json:"valid_from"`
	ValidTo      *string   `json:"valid_to"`
	InForce      bool      `json:"in_force"`
	Note         string    `json:"note"`
	CreatedBy    UserRef   `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	EndedBy      *UserRef  `json:"ended_by"`
}

// PostList is the registry on a day: every post the query lets through, in_force judged on At.
type PostList struct {
	At    string     `json:"at"`
	Items []PostView `json:"items"`
}

// PostOverlapError refuses a post the person already holds (for the same department) during
// part of the period. It is a conflict (post_overlaps); Existing is the post held.
type PostOverlapError struct{ Existing store.Post }

func (e *PostOverlapError) Error() string {
	held := e.Existing
	until := "with no end"
	if held.ValidTo != nil {
		until = "to " + held.ValidTo.Format(time.DateOnly)
	}
	return fmt.Sprintf("%s already holds this post from %s %s; the periods would overlap.", held.UserID,
		held.ValidFrom.Format(time.DateOnly), until)
}

// As lets the doors see the overlap as the conflict it is, with the post already held
// (details.post_id, valid_from, valid_to).
func (e *PostOverlapError) As(target any) bool {
	t, ok := target.(**Error)
	if !ok {
		return false
	}
	held := e.Existing
	details := map[string]any{"post_id": held.ID, "valid_from": held.ValidFrom.Format(time.DateOnly), "valid_to": nil}
	if held.ValidTo != nil {
		details["valid_to"] = held.ValidTo.Format(time.DateOnly)
	}
	*t = &Error{Kind: KindConflict, Code: "post_overlaps", Message: e.Error(), Details: details}
	return true
}

// registryDay is the current policy and today's date in its timezone (midnight UTC).
func (s *Service) registryDay(ctx context.Context) (*policy.Document, time.Time, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil, time.Time{}, Internal(fmt.Errorf("policy: %w", err))
	}
	today, err := s.Today(doc)
	if err != nil {
		return nil, time.Time{}, err
	}
	return doc, today, nil
}

// mayKeepRegistry reports whether u may change the registry on a day.
func (s *Service) mayKeepRegistry(ctx context.Context, u store.User, day time.Time) (bool, error) {
	g, err := s.GrantsOn(ctx, u, day)
	if err != nil {
		return false, err
	}
	return g.Has(policy.CapRegistryEdit), nil
}

// requireRegistrar refuses anyone who may not change the registry today.
func (s *Service) requireRegistrar(ctx context.Context, u store.User, today time.Time) error {
	ok, err := s.mayKeepRegistry(ctx, u, today)
	switch {
	case err != nil:
		return err
	case !ok:
		return Refused(policy.CapRegistryEdit)
	}
	return nil
}

// AddPost gives someone a post, for a registry keeper. Every problem is reported at once and
// none writes. The post comes back as the API shows it, in_force judged today.
func (s *Service) AddPost(ctx context.Context, u store.User, in PostInput) (PostView, error) {
	doc, today, err := s.registryDay(ctx)
	if err != nil {
		return PostView{}, err
	}
	if err := s.requireRegistrar(ctx, u, today); err != nil {
		return PostView{}, err
	}
	bad := FieldErrors{}
	n := store.NewPost{UserID: strings.TrimSpace(in.UserID), Post: in.Post, DepartmentID: strings.TrimSpace(in.DepartmentID)}
	if n.UserID == "" {
		bad.Add("user_id", "required")
	} else if _, err := s.store.UserByID(ctx, n.UserID); errors.Is(err, store.ErrNotFound) {
		bad.Add("user_id", "inactive_user", n.UserID)
	} else if err != nil {
		return PostView{}, fmt.Errorf("add post: %w", err)
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
		return PostView{}, err
	}
	p, err := s.store.AddPost(ctx, u.ID, n)
	if err != nil {
		return PostView{}, fmt.Errorf("add post: %w", registryRefusal(err))
	}
	return s.postView(ctx, p, today)
}

// EndPost sets the last day of a post, for a registry keeper.
func (s *Service) EndPost(ctx context.Context, u store.User, id string, in EndPostInput) (PostView, error) {
	_, today, err := s.registryDay(ctx)
	if err != nil {
		return PostView{}, err
	}
	if err := s.requireRegistrar(ctx, u, today); err != nil {
		return PostView{}, err
	}
	postID, err := strconv.ParseInt(id, 10, 64)
	if err != nil || postID <= 0 {
		return PostView{}, ErrNotFound
	}
	bad := FieldErrors{}
	to, _ := checkDay(bad, "valid_to", in.ValidTo)
	if err := bad.Err(); err != nil {
		return PostView{}, err
	}
	p, err := s.store.EndPost(ctx, u.ID, postID, to)
	if err != nil {
		return PostView{}, fmt.Errorf("end post: %w", registryRefusal(err))
	}
	return s.postView(ctx, p, today)
}

// registryRefusal says the store's refusals of a registry change in the service's terms.
func registryRefusal(err error) error {
	var (
		overlap *store.PostOverlapError
		end     *store.PostEndError
	)
	switch {
	case errors.As(err, &overlap):
		return &PostOverlapError{Existing: overlap.Existing}
	case errors.As(err, &end):
		if end.BeforeStart() {
			return FieldErrors{"valid_to": {Key: "post_ends_before_start", Args: []any{end.Post.ValidFrom.Format(time.DateOnly)}}}.Err()
		}
		return FieldErrors{"valid_to": {Key: "post_ends_earlier", Args: []any{end.Post.ValidTo.Format(time.DateOnly)}}}.Err()
	}
	return err
}

// Posts lists the registry a query lets through: department, post, user, and at (YYYY-MM-DD,
// today by default), the day in_force is judged on and the posts must be held.
func (s *Service) Posts(ctx context.Context, q url.Values) (PostList, error) {
	doc, today, err := s.registryDay(ctx)
	if err != nil {
		return PostList{}, fmt.Errorf("list posts: %w", err)
	}
	bad := FieldErrors{}
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
	if err := bad.Err(); err != nil {
		return PostList{}, err
	}
	posts, err := s.store.Posts(ctx, f)
	if err != nil {
		return PostList{}, fmt.Errorf("list posts: %w", err)
	}
	items, err := s.postViews(ctx, posts, day)
	if err != nil {
		return PostList{}, fmt.Errorf("list posts: %w", err)
	}
	return PostList{At: day.Format(time.DateOnly), Items: items}, nil
}

func (s *Service) postView(ctx context.Context, p store.Post, day time.Time) (PostView, error) {
	views, err := s.postViews(ctx, []store.Post{p}, day)
	if err != nil {
		return PostView{}, Internal(fmt.Errorf("read back post %d: %w", p.ID, err))
	}
	return views[0], nil
}

// postViews shows posts with the names of the people they name; in_force is judged on day.
func (s *Service) postViews(ctx context.Context, posts []store.Post, day time.Time) ([]PostView, error) {
	ids := make([]string, 0, 3*len(posts))
	for _, p := range posts {
		ids = append(ids, p.UserID, p.CreatedBy, p.EndedBy)
	}
	names, err := s.names(ctx, slices.DeleteFunc(ids, func(id string) bool { return id == "" }))
	if err != nil {
		return nil, err
	}
	out := make([]PostView, 0, len(posts))
	for _, p := range posts {
		v := PostView{ID: p.ID, User: names.ref(p.UserID), Post: p.Post, DepartmentID: p.DepartmentID,
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

// Post states against a day.
const (
	PostInForce  = "in_force"
	PostEnded    = "ended"
	PostUpcoming = "upcoming"
)

// RegistryEntry is a post as the registry page shows it.
type RegistryEntry struct {
	Post    store.Post
	State   string // PostInForce, PostEnded or PostUpcoming, today
	Endable bool   // not ended before today: it may still be ended (earlier)
}

// Registry is the registry as its page shows it to one reader.
type Registry struct {
	Today   time.Time
	Keeper  bool // the reader may change it
	Entries []RegistryEntry
}

// Registry reads the posts in force today, or with all every post ever given, ended and coming
// ones too, for u.
func (s *Service) Registry(ctx context.Context, u store.User, all bool) (Registry, error) {
	_, today, err := s.registryDay(ctx)
	if err != nil {
		return Registry{}, err
	}
	keeper, err := s.mayKeepRegistry(ctx, u, today)
	if err != nil {
		return Registry{}, fmt.Errorf("registry: %w", err)
	}
	f := store.PostFilter{}
	if !all {
		f.At = &today
	}
	posts, err := s.store.Posts(ctx, f)
	if err != nil {
		return Registry{}, fmt.Errorf("registry: %w", err)
	}
	reg := Registry{Today: today, Keeper: keeper}
	for _, p := range posts {
		e := RegistryEntry{Post: p, State: PostInForce}
		switch {
		case p.ValidFrom.After(today):
			e.State = PostUpcoming
		case p.ValidTo != nil && p.ValidTo.Before(today):
			e.State = PostEnded
		}
		e.Endable = e.State != PostEnded
		reg.Entries = append(reg.Entries, e)
	}
	return reg, nil
}
