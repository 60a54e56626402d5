package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/policy"
	"signoff/service"
	"signoff/store"
)

// The registry page (业务代表名册): for each department its representatives and leaders in
// force today (the policy calendar's timezone), the center's director, deputies and
// dispatchers, and with ?all=1 every post ever given, ended and coming ones too. Those who keep
// the registry get a form to give a post and, on every post not ended yet, a form to end it.
// Forms post back and redirect after success; a refused form comes back with what was typed and
// each problem next to its field. The page changes the registry through addPost and endPost, as
// the API does, through the service.

// registryPages mounts the registry page.
func (s *server) registryPages(r chi.Router) {
	r.Get("/registry", s.registryPage)
	r.Post("/registry", s.registryAddSubmit)
	r.Post("/registry/{id}/end", s.registryEndSubmit)
}

// centerPosts are the center's own posts, in the order the page lists them.
var centerPosts = []string{store.PostCenterDirector, store.PostCenterDeputy, store.PostCenterDispatcher}

// registryData is what the registry page shows.
type registryData struct {
	Today       string
	All         bool // history: ended and coming posts too
	Keeper      bool // may change the registry
	Flash       string
	Center      []postRow
	Departments []registryDepartment
	Form        *postForm
	People      []service.UserRef
	Posts       []string
	DeptChoices []policy.Department
}

// registryDepartment is one department's part of the registry.
type registryDepartment struct {
	ID, Name        string
	Representatives []postRow
	Leaders         []postRow
}

// postRow is a post as the page shows it, with its end form.
type postRow struct {
	ID       int64
	Who      service.UserRef
	Post     string
	From     time.Time
	To       *time.Time
	Note     string
	State    string
	Endable  bool   // not ended before today: it may still be ended (earlier)
	EndValue string // the end form's day, as typed
	EndError string
}

// StateClass is the status badge's class of the row's state.
func (r postRow) StateClass() string {
	return map[string]string{service.PostInForce: "cert-valid", service.PostEnded: "cert-expired", service.PostUpcoming: "cert-pending"}[r.State]
}

// registryRows is one table of posts on the registry page.
type registryRows struct {
	P      *page
	Rows   []postRow
	Keeper bool // the end forms are shown
	All    bool // the end forms come back to the history
}

// RegistryRows makes a table of posts for the registry_rows template.
func (p *page) RegistryRows(rows []postRow) registryRows {
	d, _ := p.Data.(*registryData)
	return registryRows{P: p, Rows: rows, Keeper: d != nil && d.Keeper, All: d != nil && d.All}
}

// postForm is the form that gives a post, as typed.
type postForm struct {
	UserID, Post, DepartmentID string
	ValidFrom, ValidTo, Note   string
	Errors                     map[string]string
	Error                      string
}

// Err is the problem with a field, if any.
func (f *postForm) Err(field string) string { return f.Errors[field] }

// endFailure is an end form sent back: the post, what was typed and what is wrong with it.
type endFailure struct {
	ID      int64
	ValidTo string
	Error   string
}

// registryPage shows the registry.
func (s *server) registryPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.registry.title")
	d := &registryData{}
	switch done := r.URL.Query().Get("done"); done {
	case "added", "ended":
		d.Flash = "ui.registry.done." + done
	}
	s.showRegistry(w, r, http.StatusOK, p, d, nil)
}

// showRegistry renders the registry with the add form as given (a blank one if nil) and an end
// form sent back, if any.
func (s *server) showRegistry(w http.ResponseWriter, r *http.Request, status int, p *page, d *registryData, end *endFailure) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d.All = r.URL.Query().Get("all") == "1" || r.PostForm.Get("all") == "1"
	reg, err := s.svc.Registry(ctx, *p.User, d.All)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	today := reg.Today
	d.Today, d.Keeper = today.Format(time.DateOnly), reg.Keeper
	d.Posts, d.DeptChoices, d.People = store.RegistryPosts, p.Departments(), p.PeopleExcept()
	if d.Form == nil {
		d.Form = &postForm{Post: store.PostRepresentative, ValidFrom: d.Today}
	}

	at := map[string]int{} // department → its index in d.Departments
	for _, dep := range p.Departments() {
		at[dep.ID] = len(d.Departments)
		d.Departments = append(d.Departments, registryDepartment{ID: dep.ID, Name: dep.Name})
	}
	var center []postRow
	for _, e := range reg.Entries {
		post, row := e.Post, registryRow(p, e, today, end)
		if !store.PostOfDepartment(post.Post) {
			center = append(center, row)
			continue
		}
		i, ok := at[post.DepartmentID]
		if !ok { // a department the policy no longer has
			i = len(d.Departments)
			at[post.DepartmentID] = i
			d.Departments = append(d.Departments, registryDepartment{ID: post.DepartmentID, Name: post.DepartmentID})
		}
		if post.Post == store.PostRepresentative {
			d.Departments[i].Representatives = append(d.Departments[i].Representatives, row)
		} else {
			d.Departments[i].Leaders = append(d.Departments[i].Leaders, row)
		}
	}
	// The store orders the center's posts by name; the page by rank.
	slices.SortStableFunc(center, func(a, b postRow) int {
		return slices.Index(centerPosts, a.Post) - slices.Index(centerPosts, b.Post)
	})
	d.Center = center
	p.Data = d
	s.render(w, r, status, "representatives", p)
}

// registryRow is a post as the page shows it; end is an end form sent back, if any.
func registryRow(p *page, e service.RegistryEntry, today time.Time, end *endFailure) postRow {
	post := e.Post
	row := postRow{ID: post.ID, Who: service.UserRef{ID: post.UserID, Name: p.Person(post.UserID)}, Post: post.Post,
		From: post.ValidFrom, To: post.ValidTo, Note: post.Note, State: e.State, Endable: e.Endable}
	// The end form proposes today, or the first day of a post yet to begin.
	row.EndValue = today.Format(time.DateOnly)
	if post.ValidFrom.After(today) {
		row.EndValue = post.ValidFrom.Format(time.DateOnly)
	}
	if end != nil && end.ID == post.ID {
		row.EndValue, row.EndError = end.ValidTo, end.Error
	}
	return row
}

// registryAddSubmit gives a post from the form.
func (s *server) registryAddSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.registry.title")
	pf := r.PostForm
	f := &postForm{UserID: pf.Get("user_id"), Post: pf.Get("post"), DepartmentID: pf.Get("department_id"),
		ValidFrom: pf.Get("valid_from"), ValidTo: pf.Get("valid_to"), Note: pf.Get("note")}
	in := service.PostInput{UserID: f.UserID, Post: f.Post, DepartmentID: f.DepartmentID, ValidFrom: f.ValidFrom,
		ValidTo: &f.ValidTo, Note: f.Note}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	if _, err := s.svc.AddPost(ctx, *p.User, in); err != nil {
		e, ok := s.explainRegistryForm(w, r, p, err)
		if !ok {
			return
		}
		f.Errors, f.Error = e.Fields, e.Message
		s.showRegistry(w, r, e.Status, p, &registryData{Form: f}, nil)
		return
	}
	http.Redirect(w, r, registryURL(r, "added"), http.StatusSeeOther)
}

// registryEndSubmit ends a post from its end form.
func (s *server) registryEndSubmit(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.registry.title")
	in := service.EndPostInput{ValidTo: r.PostForm.Get("valid_to")}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	id := chi.URLParam(r, "id")
	if _, err := s.svc.EndPost(ctx, *p.User, id, in); err != nil {
		e, ok := s.explainRegistryForm(w, r, p, err)
		if !ok {
			return
		}
		postID, _ := strconv.ParseInt(id, 10, 64)
		end := &endFailure{ID: postID, ValidTo: in.ValidTo, Error: e.Message}
		if msg, ok := e.Fields["valid_to"]; ok {
			end.Error = msg
		}
		s.showRegistry(w, r, e.Status, p, &registryData{}, end)
		return
	}
	http.Redirect(w, r, registryURL(r, "ended"), http.StatusSeeOther)
}

// registryURL is where a form that succeeded goes: the registry as it was shown, saying what was
// done.
func registryURL(r *http.Request, done string) string {
	u := "/registry?done=" + done
	if r.PostForm.Get("all") == "1" {
		u += "&all=1"
	}
	return u
}

// explainRegistryForm says why a registry form was refused. A refusal no form can mend (not a
// keeper, no such post, a fault of ours) is answered with the error page, and ok is false.
func (s *server) explainRegistryForm(w http.ResponseWriter, r *http.Request, p *page, err error) (e webError, ok bool) {
	e = s.explain(r, p.Lang, err)
	if e.Status >= 500 || e.Status == http.StatusForbidden || e.Status == http.StatusNotFound {
		s.errorPage(w, r, err)
		return e, false
	}
	var overlap *service.PostOverlapError
	switch {
	case errors.As(err, &overlap):
		held := overlap.Existing
		until := p.T("ui.registry.open_ended")
		if held.ValidTo != nil {
			until = held.ValidTo.Format(time.DateOnly)
		}
		e.Message = p.T("ui.registry.overlaps", p.Person(held.UserID), p.T("ui.registry.post."+held.Post),
			held.ValidFrom.Format(time.DateOnly), until)
	case e.Fields != nil:
		e.Message = ""
	}
	return e, true
}
