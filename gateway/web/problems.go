package web

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/i18n"
	"signoff/policy"
	prb "signoff/problem"
	"signoff/service"
	"signoff/store"
)

// Production problem coordination in the web UI: the raise form, the problem page with the
// actions the lifecycle allows the reader, the problem list, the role board (角色看板) and the
// coordination meetings (协调会). Every page reads and acts through the service, as the API
// does; forms post back and redirect after success, and a refusal shows the page again with the
// reason and what was typed. Which actions a page offers and what their forms need are the
// problem package's answers (prb.Form), never a condition of the page's own.

// problemPages mounts the problem, role board and meeting pages.
func (s *server) problemPages(r chi.Router) {
	r.Get("/problems", s.problemsPage)
	r.Get("/problems/new", s.newProblemPage)
	r.Post("/problems/new", s.newProblemSubmit)
	r.Get("/problems/{id}", s.problemPage)
	r.Post("/problems/{id}/actions/{action}", s.problemActionSubmit)
	r.Get("/board/me", s.roleBoardPage)
	r.Get("/meetings", s.meetingsPage)
	r.Post("/meetings", s.meetingSubmit)
	r.Get("/meetings/{id}", s.meetingPage)
	r.Post("/meetings/{id}/decisions", s.meetingDecisionSubmit)
}

// Template vocabulary.

// PrbStatus, PrbAction and PrbDecision name the problem lifecycle's words.
func (p *page) PrbStatus(s string) string   { return p.T("ui.prb.status." + s) }
func (p *page) PrbAction(a any) string      { return p.T(fmt.Sprint("ui.prb.action.", a)) }
func (p *page) PrbDecision(d string) string { return p.T("ui.prb.decision." + d) }

// MeetingKind names a kind of coordination meeting.
func (p *page) MeetingKind(k string) string { return p.T("ui.meeting.kind." + k) }

// SeverityName is a severity's label in the policy.
func (p *page) SeverityName(id string) string {
	if p.doc != nil {
		if sv, ok := p.doc.Production.Severity(id); ok {
			return sv.Label
		}
	}
	return id
}

// DeptName names a department of the policy, or shows its ID.
func (p *page) DeptName(id string) string {
	if p.doc != nil {
		if d, ok := p.doc.Department(id); ok {
			return d.Name
		}
	}
	return id
}

// DeptNames names departments, joined.
func (p *page) DeptNames(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p.DeptName(id)
	}
	return strings.Join(out, "、")
}

// PeopleNames names people (or symbolic recipients), joined.
func (p *page) PeopleNames(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p.recipient(id)
	}
	return strings.Join(out, "、")
}

// recipient names a user, the center, its director or a department's leader.
func (p *page) recipient(id string) string {
	post, dept, symbolic := prb.ParseRecipient(id)
	switch {
	case !symbolic:
		return p.Person(id)
	case post == policy.EscalateDepartmentLeader:
		return p.T("ui.prb.recipient.department_leader", p.DeptName(dept))
	}
	return p.T("ui.prb.recipient." + post)
}

// SealTarget says a seal's target readably: the assignments of a publication, the people an
// escalation went to, the moved due date, the severity of a raise.
func (p *page) SealTarget(s store.ProblemSeal) string {
	if s.Target == "" {
		return ""
	}
	switch prb.Decision(s.Decision) {
	case prb.DecRaised:
		return p.SeverityName(s.Target)
	case prb.DecPublished, prb.DecRepublished:
		var parts []string
		for _, as := range strings.Split(s.Target, ";") {
			dept, reps, _ := strings.Cut(as, ":")
			var names []string
			if reps != "" {
				names = strings.Split(reps, ",")
			}
			parts = append(parts, p.DeptName(dept)+"："+p.PeopleNames(names))
		}
		return strings.Join(parts, "；")
	case prb.DecEscalated:
		return p.PeopleNames(strings.Split(s.Target, ","))
	case prb.DecDueChanged:
		from, to, ok := strings.Cut(s.Target, "→")
		if !ok {
			return s.Target
		}
		return p.rfc3339(from) + " → " + p.rfc3339(to)
	}
	return s.Target
}

func (p *page) rfc3339(v string) string {
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return v
	}
	return p.When(t)
}

// The raise form.

// problemForm is the raise form as typed.
type problemForm struct {
	Title, Description, Model, Batch, BOMNode, Line, Severity string
	Uploads                                                   []store.Attachment
	Errors                                                    map[string]string
	Error                                                     string
	Severities                                                []policy.Severity
	MaxUpload                                                 string
}

// Err is the problem with a field, if any.
func (f *problemForm) Err(field string) string { return f.Errors[field] }

// typed is what was typed into a text field of the form, by the field's name.
func (f *problemForm) typed(name string) string {
	return map[string]string{"title": f.Title, "description": f.Description, "model": f.Model, "batch": f.Batch,
		"bom_node": f.BOMNode, "line": f.Line}[name]
}

func (s *server) showProblemForm(w http.ResponseWriter, r *http.Request, status int, f *problemForm) {
	p := s.newPage(r, "ui.prb.new.title")
	f.Severities = p.Severities()
	f.MaxUpload = fmt.Sprintf("%d MB", s.cfg.MaxUploadBytes>>20)
	p.Data = f
	s.render(w, r, status, "problem_form", p)
}

func (s *server) newProblemPage(w http.ResponseWriter, r *http.Request) {
	s.showProblemForm(w, r, http.StatusOK, &problemForm{Severity: "normal"})
}

func (s *server) newProblemSubmit(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	v := r.PostForm
	f := &problemForm{Title: v.Get("title"), Description: v.Get("description"), Model: v.Get("model"),
		Batch: v.Get("batch"), BOMNode: v.Get("bom_node"), Line: v.Get("line"), Severity: v.Get("severity")}
	kept, err := s.svc.ProblemUploads(ctx, u, v["attachment"])
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	bad := service.FieldErrors{}
	fresh, err := s.saveUploads(ctx, r, u, len(kept), bad)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f.Uploads = append(kept, fresh...)
	in := service.ProblemInput{Title: f.Title, Description: f.Description, Model: f.Model, Batch: f.Batch,
		BOMNode: f.BOMNode, Line: f.Line, Severity: f.Severity}
	for _, a := range f.Uploads {
		in.Attachments = append(in.Attachments, a.ID)
	}
	if len(bad) == 0 {
		pr, err := s.svc.RaiseProblem(ctx, u, in)
		if err == nil {
			http.Redirect(w, r, "/problems/"+pr.ID+"?done=raised", http.StatusSeeOther)
			return
		}
		var invalid *service.ValidationError
		if !errors.As(err, &invalid) {
			s.errorPage(w, r, err)
			return
		}
		bad = invalid.Fields
	}
	lang := langOf(r)
	f.Errors = bad.In(lang)
	f.Error = i18n.T(lang, "error.invalid_input")
	s.showProblemForm(w, r, http.StatusUnprocessableEntity, f)
}

// The problem page.

// problemPageData is the problem page.
type problemPageData struct {
	service.ProblemPage
	Flash       string
	Error       string
	ErrorAction prb.ActionType
	Typed       problemTyped
	Key         string
	DueDefault  string // the due date in force, as datetime-local: where a form needing one starts
	Now         time.Time
}

// problemTyped is what was typed into an action form.
type problemTyped struct {
	Comment, Department, DueAt, MergeInto string
	Representatives                       []string
}

// TypedFor is what was typed for action t, if it was the refused one.
func (d *problemPageData) TypedFor(t string) problemTyped {
	if string(d.ErrorAction) == t {
		return d.Typed
	}
	return problemTyped{}
}

// Picked reports whether a representative was picked in the refused form.
func (t problemTyped) Picked(id string) bool { return slices.Contains(t.Representatives, id) }

func (s *server) problemPage(w http.ResponseWriter, r *http.Request) {
	d := problemPageData{}
	if done := r.URL.Query().Get("done"); done == "raised" || slices.Contains(prb.Actions, prb.ActionType(done)) {
		d.Flash = done
	}
	s.showProblem(w, r, http.StatusOK, chi.URLParam(r, "id"), d)
}

func (s *server) showProblem(w http.ResponseWriter, r *http.Request, status int, id string, d problemPageData) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	pp, err := s.svc.ProblemPage(ctx, door.User(r.Context()), id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, "ui.prb.title")
	p.Title = pp.ID + " · " + pp.Title
	d.ProblemPage, d.Now = pp, s.svc.Now()
	if pp.DueAt != nil {
		d.DueDefault = pp.DueAt.In(p.loc).Format(localInput)
	}
	if d.Key == "" {
		d.Key = newKey()
	}
	p.Data = &d
	s.render(w, r, status, "problem", p)
}

// readProblemActionForm reads an action form into the API's action request: a due date typed
// in the policy's timezone becomes RFC 3339.
func (s *server) readProblemActionForm(r *http.Request) (service.ProblemActionInput, problemTyped, string, error) {
	f := r.PostForm
	typed := problemTyped{Comment: f.Get("comment"), Department: f.Get("department"), DueAt: f.Get("due_at"),
		MergeInto: f.Get("merge_into"), Representatives: f["representatives"]}
	in := service.ProblemActionInput{Comment: typed.Comment, MergeInto: typed.MergeInto}
	if rev, err := strconv.Atoi(f.Get("revision")); err == nil {
		in.Revision = &rev
	}
	if typed.Department != "" {
		in.Assignments = []service.AssignmentInput{{Department: typed.Department, Representatives: typed.Representatives}}
	}
	key := f.Get("key")
	if len(key) > door.MaxIdempotencyKey {
		key = ""
	}
	if typed.DueAt != "" {
		at, err := time.ParseInLocation(localInput, typed.DueAt, s.location(r.Context()))
		if err != nil {
			return in, typed, key, service.FieldErrors{"due_at": {Key: "date"}}.Err()
		}
		in.DueAt = at.Format(time.RFC3339)
	}
	return in, typed, key, nil
}

// localBack is a path on this site to return to, or "".
func localBack(v string) string {
	if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.HasPrefix(v, "/\\") || strings.ContainsAny(v, "\r\n") {
		return ""
	}
	return v
}

// problemActionSubmit takes an action from the problem page or the role board.
func (s *server) problemActionSubmit(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	id := chi.URLParam(r, "id")
	t, err := service.ProblemActionType(chi.URLParam(r, "action"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	in, typed, key, err := s.readProblemActionForm(r)
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	if err == nil {
		if _, err = s.svc.ActOnProblem(ctx, u, id, t, in, key); err == nil {
			next := "/problems/" + id + "?done=" + string(t)
			if back := localBack(r.URL.Query().Get("back")); back != "" {
				next = back
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	e := s.explain(r, langOf(r), err)
	if e.Status == http.StatusNotFound || e.Status >= 500 {
		s.errorPage(w, r, err)
		return
	}
	msg := e.Message
	for _, field := range slices.Sorted(maps.Keys(e.Fields)) {
		msg += " " + field + ": " + e.Fields[field]
	}
	s.showProblem(w, r, e.Status, id, problemPageData{Error: msg, ErrorAction: t, Typed: typed})
}

// The problem list.

type problemsData struct {
	service.ProblemList
}

// Overdue reports whether a listed problem is overdue.
func (d *problemsData) Overdue(pr store.Problem) bool { return service.ProblemOverdue(pr, d.Now) }

func (s *server) problemsPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := s.svc.ProblemList(ctx, r.URL.Query())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, "ui.prb.list.title")
	p.Data = &problemsData{ProblemList: list}
	s.render(w, r, http.StatusOK, "problems", p)
}

// The role board.

type roleBoardData struct {
	service.RoleBoard
	Key string
}

// VerifyN counts what waits for the reader's verification.
func (d *roleBoardData) VerifyN() int { return len(d.Verify) + len(d.CenterVerify) }

func (s *server) roleBoardPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	b, err := s.svc.RoleBoard(ctx, door.User(r.Context()))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, "ui.board_me.title")
	p.Data = &roleBoardData{RoleBoard: b, Key: newKey()}
	s.render(w, r, http.StatusOK, "role_board", p)
}

// Meetings.

// meetingForm is the new meeting form as typed.
type meetingForm struct {
	Kind, Title, HeldAt, ChairID, Minutes string
	Errors                                map[string]string
	Error                                 string
}

// Err is the problem with a field, if any.
func (f *meetingForm) Err(field string) string { return f.Errors[field] }

type meetingsData struct {
	Center   bool // the reader may record meetings
	Meetings []store.Meeting
	Form     *meetingForm
	Kinds    []string
	People   []service.UserRef
}

func (s *server) meetingsPage(w http.ResponseWriter, r *http.Request) {
	now := s.svc.Now().In(s.location(r.Context()))
	s.showMeetings(w, r, http.StatusOK, &meetingForm{Kind: store.MeetingProductionDispatch,
		HeldAt: now.Format(localInput), ChairID: door.User(r.Context()).ID})
}

func (s *server) showMeetings(w http.ResponseWriter, r *http.Request, status int, f *meetingForm) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.meeting.list.title")
	center, err := s.svc.MayRecordMeetings(ctx, door.User(r.Context()))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	ms, err := s.svc.Meetings(ctx, 100)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p.Data = &meetingsData{Center: center, Meetings: ms, Form: f, Kinds: store.MeetingKinds, People: p.PeopleExcept()}
	s.render(w, r, status, "meetings", p)
}

func (s *server) meetingSubmit(w http.ResponseWriter, r *http.Request) {
	v := r.PostForm
	f := &meetingForm{Kind: v.Get("kind"), Title: v.Get("title"), HeldAt: v.Get("held_at"), ChairID: v.Get("chair_id"),
		Minutes: v.Get("minutes")}
	in := service.MeetingInput{Kind: f.Kind, Title: f.Title, ChairID: f.ChairID, Minutes: f.Minutes}
	var err error
	if f.HeldAt != "" {
		at, perr := time.ParseInLocation(localInput, f.HeldAt, s.location(r.Context()))
		if perr != nil {
			err = service.FieldErrors{"held_at": {Key: "date"}}.Err()
		}
		in.HeldAt = at.Format(time.RFC3339)
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	var m store.Meeting
	if err == nil {
		if m, err = s.svc.RecordMeeting(ctx, door.User(r.Context()), in); err == nil {
			http.Redirect(w, r, "/meetings/"+m.ID, http.StatusSeeOther)
			return
		}
	}
	e := s.explain(r, langOf(r), err)
	if e.Fields == nil {
		s.errorPage(w, r, err)
		return
	}
	f.Errors, f.Error = e.Fields, e.Message
	s.showMeetings(w, r, e.Status, f)
}

// decisionForm is a meeting's decision as typed.
type decisionForm struct {
	Title, Description, Severity, Department, Representative, DueAt string
	Errors                                                          map[string]string
	Error                                                           string
}

// Err is the problem with a field, if any.
func (f *decisionForm) Err(field string) string { return f.Errors[field] }

type meetingData struct {
	Meeting    store.Meeting
	Decisions  []store.Problem
	Center     bool // the reader may record decisions
	Form       *decisionForm
	Choices    []service.DeptReps
	Severities []policy.Severity
	Now        time.Time
}

// Overdue reports whether a decision is overdue.
func (d *meetingData) Overdue(pr store.Problem) bool { return service.ProblemOverdue(pr, d.Now) }

func (s *server) meetingPage(w http.ResponseWriter, r *http.Request) {
	s.showMeeting(w, r, http.StatusOK, &decisionForm{Severity: "normal"})
}

func (s *server) showMeeting(w http.ResponseWriter, r *http.Request, status int, f *decisionForm) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	md, items, err := s.svc.Meeting(ctx, chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, "ui.meeting.title")
	p.Title = md.ID + " · " + md.Title
	d := &meetingData{Meeting: md.Meeting, Decisions: items, Form: f, Now: s.svc.Now()}
	if d.Center, err = s.svc.MayRecordMeetings(ctx, door.User(r.Context())); err != nil {
		s.errorPage(w, r, err)
		return
	}
	if d.Center {
		if d.Choices, err = s.svc.PublishChoices(ctx); err != nil {
			s.errorPage(w, r, err)
			return
		}
		d.Severities = p.Severities()
	}
	p.Data = d
	s.render(w, r, status, "meeting", p)
}

// meetingDecisionSubmit records a meeting's decision.
func (s *server) meetingDecisionSubmit(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	v := r.PostForm
	f := &decisionForm{Title: v.Get("title"), Description: v.Get("description"), Severity: v.Get("severity"),
		Department: v.Get("department"), Representative: v.Get("representative"), DueAt: v.Get("due_at")}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	err := s.svc.RecordDecision(ctx, door.User(r.Context()), id, service.DecisionInput{Title: f.Title,
		Description: f.Description, Severity: f.Severity, Department: f.Department, Representative: f.Representative,
		DueAt: f.DueAt})
	if err == nil {
		http.Redirect(w, r, "/meetings/"+id+"?done=decision", http.StatusSeeOther)
		return
	}
	e := s.explain(r, langOf(r), err)
	if e.Status == http.StatusNotFound || e.Status == http.StatusForbidden || e.Status >= 500 {
		s.errorPage(w, r, err)
		return
	}
	f.Errors, f.Error = e.Fields, e.Message
	s.showMeeting(w, r, e.Status, f)
}

// Template helpers of the problem pages.

// prbField is one text field of the raise form.
type prbField struct {
	Name, Label, Value string
	Max                int
	Required           bool
}

// PrbFields lists the raise form's text fields, as the service checks them, with what was typed.
func (p *page) PrbFields() []prbField {
	f, _ := p.Data.(*problemForm)
	if f == nil {
		return nil
	}
	out := make([]prbField, 0, len(service.ProblemFields))
	for _, x := range service.ProblemFields {
		out = append(out, prbField{Name: x.Name, Label: "ui.prb.field." + x.Name, Value: f.typed(x.Name), Max: x.Max,
			Required: x.Required})
	}
	return out
}

// Departments are the policy's departments.
func (p *page) Departments() []policy.Department {
	if p.doc == nil {
		return nil
	}
	return p.doc.Departments
}

// Severities are the policy's production severities.
func (p *page) Severities() []policy.Severity {
	if p.doc == nil {
		return nil
	}
	return p.doc.Production.Severities
}

// needMark marks a form field's label: required (the validator refuses the action without it),
// or optional.
type needMark struct {
	P        *page
	Required bool
}

// Need marks a field required or optional, as a prb.Form's Needs says.
func (p *page) Need(required bool) needMark { return needMark{P: p, Required: required} }

// hiddenFields are the hidden fields of an inline action form.
type hiddenFields struct {
	CSRF     string
	Revision int
	Key      string
}

// Hidden makes the hidden fields of a role board form for a problem at a revision.
func (p *page) Hidden(rev int) hiddenFields {
	h := hiddenFields{CSRF: p.CSRF, Revision: rev}
	if d, ok := p.Data.(*roleBoardData); ok {
		h.Key = d.Key
	}
	return h
}

// boardRow is one problem of the role board with the page.
type boardRow struct {
	P  *page
	Pr service.BoardItem
}

// BoardRow pairs a listed problem with the page, for the board's partials.
func (p *page) BoardRow(pr service.BoardItem) boardRow { return boardRow{P: p, Pr: pr} }
