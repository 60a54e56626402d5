package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"signoff/service"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"signoff/i18n"
	"signoff/policy"
	prb "signoff/problem"
	"signoff/store"
)

// Production problem coordination in the web UI: the raise form, the problem page with the
// actions the lifecycle allows the reader, the problem list, the role board (角色看板) and the
// coordination meetings (协调会). Every page acts through raiseProblem and actOnProblem, as the
// API does; forms post back and redirect after success, and a refusal shows the page again with
// the reason and what was typed.

func init() {
	pageNames = append(pageNames, "problem_form", "problem", "problems", "role_board", "meetings", "meeting")
}

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

// problemOverdue reports whether a listed problem is past its due date and still open.
func problemOverdue(pr store.Problem, now time.Time) bool {
	return prb.Status(pr.Status).Open() && pr.DueAt != nil && now.After(*pr.DueAt)
}

// deptReps is a department with its representatives in force today, for the publish forms.
type deptReps struct {
	ID, Name string
	Reps     []userRef
}

// publishChoices lists every department of the policy with its representatives today.
func (s *server) publishChoices(ctx context.Context, p *page) ([]deptReps, error) {
	if p.doc == nil {
		return nil, nil
	}
	day, err := s.today(p.doc)
	if err != nil {
		return nil, err
	}
	var out []deptReps
	for _, d := range p.doc.Departments {
		reps, err := s.store.Representatives(ctx, d.ID, day)
		if err != nil {
			return nil, err
		}
		if len(reps) == 0 {
			continue
		}
		dr := deptReps{ID: d.ID, Name: d.Name}
		for _, r := range reps {
			dr.Reps = append(dr.Reps, userRef{ID: r, Name: p.Person(r)})
		}
		out = append(out, dr)
	}
	return out, nil
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

func (s *server) showProblemForm(w http.ResponseWriter, r *http.Request, status int, f *problemForm) {
	p := s.newPage(r, "ui.prb.new.title")
	if p.doc != nil {
		f.Severities = p.doc.Production.Severities
	}
	f.MaxUpload = fmt.Sprintf("%d MB", s.cfg.MaxUploadBytes>>20)
	p.Data = f
	s.render(w, r, status, "problem_form", p)
}

func (s *server) newProblemPage(w http.ResponseWriter, r *http.Request) {
	s.showProblemForm(w, r, http.StatusOK, &problemForm{Severity: "normal"})
}

func (s *server) newProblemSubmit(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	v := r.PostForm
	f := &problemForm{Title: v.Get("title"), Description: v.Get("description"), Model: v.Get("model"),
		Batch: v.Get("batch"), BOMNode: v.Get("bom_node"), Line: v.Get("line"), Severity: v.Get("severity")}
	kept, err := s.store.UnlinkedAttachments(ctx, u.ID, distinct(v["attachment"]))
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
	in := problemInput{Title: f.Title, Description: f.Description, Model: f.Model, Batch: f.Batch,
		BOMNode: f.BOMNode, Line: f.Line, Severity: f.Severity}
	for _, a := range f.Uploads {
		in.Attachments = append(in.Attachments, a.ID)
	}
	if len(bad) == 0 {
		pr, err := s.raiseProblem(ctx, u, in)
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
	lang := webSessionFrom(r.Context()).lang
	f.Errors = bad.In(lang)
	f.Error = i18n.T(lang, "error.invalid_input")
	s.showProblemForm(w, r, http.StatusUnprocessableEntity, f)
}

// The problem page.

// problemPageData is the problem page.
type problemPageData struct {
	problemView
	State       prb.State
	Flash       string
	Error       string
	ErrorAction prb.ActionType
	Typed       problemTyped
	Key         string
	Choices     []deptReps // publish, republish
	DueDefault  string     // change_due: the due date in force, as datetime-local
	Attachments []store.Attachment
	Now         time.Time
}

// problemTyped is what was typed into an action form.
type problemTyped struct {
	Comment, Department, DueAt, MergeInto string
	Representatives                       []string
}

// Can reports whether the reader may take action t.
func (d *problemPageData) Can(t string) bool {
	return slices.Contains(d.AllowedActions, prb.ActionType(t))
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
	u := userFrom(r.Context())
	pr, err := s.store.Problem(ctx, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	v, err := s.problemViewOf(ctx, u, pr)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, "ui.prb.title")
	p.Title = pr.ID + " · " + pr.Title
	d.problemView, d.Now = v, s.now()
	if len(pr.State) > 0 {
		_ = json.Unmarshal(pr.State, &d.State)
	}
	if d.Can(string(prb.ActPublish)) || d.Can(string(prb.ActRepublish)) {
		if d.Choices, err = s.publishChoices(ctx, p); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	if pr.DueAt != nil {
		d.DueDefault = pr.DueAt.In(p.loc).Format(localInput)
	}
	if d.Attachments, err = s.store.ProblemAttachments(ctx, pr.ID); err != nil {
		s.errorPage(w, r, err)
		return
	}
	if d.Key == "" {
		d.Key = newKey()
	}
	p.Data = &d
	s.render(w, r, status, "problem", p)
}

// readProblemActionForm reads an action form into the API's action request.
func (s *server) readProblemActionForm(r *http.Request) (problemActionRequest, problemTyped, string, error) {
	f := r.PostForm
	typed := problemTyped{Comment: f.Get("comment"), Department: f.Get("department"), DueAt: f.Get("due_at"),
		MergeInto: f.Get("merge_into"), Representatives: f["representatives"]}
	in := problemActionRequest{Comment: typed.Comment, MergeInto: typed.MergeInto}
	if rev, err := strconv.Atoi(f.Get("revision")); err == nil {
		in.Revision = &rev
	}
	if typed.Department != "" {
		in.Assignments = []assignmentInput{{Department: typed.Department, Representatives: typed.Representatives}}
	}
	key := f.Get("key")
	if len(key) > maxIdempotencyKey {
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
	u := userFrom(r.Context())
	id := chi.URLParam(r, "id")
	t := prb.ActionType(chi.URLParam(r, "action"))
	if !slices.Contains(prb.Actions, t) {
		s.errorPage(w, r, errNotFound)
		return
	}
	in, typed, key, err := s.readProblemActionForm(r)
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	if err == nil {
		if _, err = s.actOnProblem(ctx, u, id, t, in, key); err == nil {
			next := "/problems/" + id + "?done=" + string(t)
			if back := localBack(r.URL.Query().Get("back")); back != "" {
				next = back
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	e := s.explain(r, webSessionFrom(r.Context()).lang, err)
	if e.Status == http.StatusNotFound || e.Status >= 500 {
		s.errorPage(w, r, err)
		return
	}
	msg := e.Message
	for _, field := range sortedKeys(e.Fields) {
		msg += " " + field + ": " + e.Fields[field]
	}
	s.showProblem(w, r, e.Status, id, problemPageData{Error: msg, ErrorAction: t, Typed: typed})
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// The problem list.

type problemsData struct {
	Filter   store.ProblemFilter
	Items    []store.Problem
	Statuses []prb.Status
	Now      time.Time
}

// Overdue reports whether a listed problem is overdue.
func (d *problemsData) Overdue(pr store.Problem) bool { return problemOverdue(pr, d.Now) }

// ageBucket is the span of first publications of an ageing bucket of the boards (kpi.Ageing):
// under a day, one to three days, three to seven, seven or more.
func ageBucket(key string, now time.Time) (from, to time.Time, ok bool) {
	day := 24 * time.Hour
	switch key {
	case "under_1d":
		return now.Add(-day), now.Add(time.Nanosecond), true
	case "1_3d":
		return now.Add(-3 * day), now.Add(-day + time.Nanosecond), true
	case "3_7d":
		return now.Add(-7 * day), now.Add(-3*day + time.Nanosecond), true
	case "7d_plus":
		return time.Time{}, now.Add(-7*day + time.Nanosecond), true
	}
	return time.Time{}, time.Time{}, false
}

func (s *server) problemsPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	q := r.URL.Query()
	d := &problemsData{Now: s.now(), Statuses: []prb.Status{prb.StatusRaised, prb.StatusInProgress, prb.StatusSolved,
		prb.StatusClosed, prb.StatusRejected, prb.StatusMerged}}
	d.Filter = store.ProblemFilter{Status: q.Get("status"), Department: q.Get("department"), Severity: q.Get("severity"),
		Model: strings.TrimSpace(q.Get("model")), Batch: strings.TrimSpace(q.Get("batch")), Overdue: q.Get("overdue") == "1",
		BOMNode: strings.TrimSpace(q.Get("bom_node")), Open: q.Get("open") == "1", Now: d.Now, Limit: 100}
	// The boards' drill-downs: an ageing bucket, and escalations in a span of days.
	if from, to, ok := ageBucket(q.Get("age"), d.Now); ok {
		d.Filter.Open, d.Filter.PublishedFrom, d.Filter.PublishedTo = true, from, to
	}
	loc := s.location(ctx)
	if v, err := time.ParseInLocation(time.DateOnly, q.Get("escalated_from"), loc); err == nil {
		d.Filter.EscalatedFrom = v
	}
	if v, err := time.ParseInLocation(time.DateOnly, q.Get("escalated_to"), loc); err == nil {
		d.Filter.EscalatedTo = v.AddDate(0, 0, 1)
	}
	items, err := s.store.ListProblems(ctx, d.Filter)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	d.Items = items
	p := s.newPage(r, "ui.prb.list.title")
	p.Data = d
	s.render(w, r, http.StatusOK, "problems", p)
}

// The role board.

type roleBoardData struct {
	Center       bool
	Assigned     []store.Problem // in progress, held by the reader
	Verify       []store.Problem // solved, waiting for the reader (the raiser) to verify
	Screening    []store.Problem // center: raised, to screen
	CenterVerify []store.Problem // center: solved, waiting for verification
	OverdueN     int
	Choices      []deptReps
	Key          string
	Now          time.Time
}

// Overdue reports whether a listed problem is overdue.
func (d *roleBoardData) Overdue(pr store.Problem) bool { return problemOverdue(pr, d.Now) }

// VerifyN counts what waits for the reader's verification.
func (d *roleBoardData) VerifyN() int { return len(d.Verify) + len(d.CenterVerify) }

func (s *server) roleBoardPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u := userFrom(r.Context())
	p := s.newPage(r, "ui.board_me.title")
	if p.doc == nil {
		s.errorPage(w, r, service.Internal(errors.New("no policy")))
		return
	}
	day, err := s.today(p.doc)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	actor, err := s.problemActor(ctx, u, day)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	d := &roleBoardData{Center: actor.Center, Key: newKey(), Now: s.now()}
	list := func(dst *[]store.Problem, f store.ProblemFilter) {
		if err != nil {
			return
		}
		f.Limit = 200
		*dst, err = s.store.ListProblems(ctx, f)
	}
	list(&d.Assigned, store.ProblemFilter{Status: string(prb.StatusInProgress), Holder: u.ID})
	list(&d.Verify, store.ProblemFilter{Status: string(prb.StatusSolved), Holder: u.ID})
	if actor.Center {
		list(&d.Screening, store.ProblemFilter{Status: string(prb.StatusRaised), Holder: prb.RecipientCenter})
		list(&d.CenterVerify, store.ProblemFilter{Status: string(prb.StatusSolved), Holder: prb.RecipientCenter})
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	// A solved problem the reader raised and the center both hold shows once, under the reader's.
	d.CenterVerify = slices.DeleteFunc(d.CenterVerify, func(x store.Problem) bool {
		return slices.ContainsFunc(d.Verify, func(y store.Problem) bool { return y.ID == x.ID })
	})
	for _, x := range d.Assigned {
		if d.Overdue(x) {
			d.OverdueN++
		}
	}
	if len(d.Screening) > 0 {
		if d.Choices, err = s.publishChoices(ctx, p); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "role_board", p)
}

// Meetings.

// meetingInput is a meeting as the API and the form send it.
type meetingInput struct {
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	HeldAt  string `json:"held_at"` // RFC 3339
	ChairID string `json:"chair_id"`
	Minutes string `json:"minutes"`
}

// recordMeeting checks that the reader is center staff today and the meeting is well formed,
// then writes it.
func (s *server) recordMeeting(ctx context.Context, u store.User, in meetingInput) (store.Meeting, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Meeting{}, service.Internal(err)
	}
	day, err := s.today(doc)
	if err != nil {
		return store.Meeting{}, err
	}
	actor, err := s.problemActor(ctx, u, day)
	if err != nil {
		return store.Meeting{}, err
	}
	if !actor.Center {
		return store.Meeting{}, errForbidden
	}
	n := store.NewMeeting{Kind: strings.TrimSpace(in.Kind), Title: strings.TrimSpace(in.Title),
		ChairID: strings.TrimSpace(in.ChairID), Minutes: strings.TrimSpace(in.Minutes), Year: day.Year()}
	bad := service.FieldErrors{}
	if !slices.Contains(store.MeetingKinds, n.Kind) {
		bad.Add("kind", "one_of", store.MeetingKinds)
	}
	switch l := utf8.RuneCountInString(n.Title); {
	case l == 0:
		bad.Add("title", "required")
	case l > maxProblemTitle:
		bad.Add("title", "too_long", maxProblemTitle)
	}
	if utf8.RuneCountInString(n.Minutes) > maxProblemText {
		bad.Add("minutes", "too_long", maxProblemText)
	}
	if in.HeldAt == "" {
		bad.Add("held_at", "required")
	} else if n.HeldAt, err = time.Parse(time.RFC3339, in.HeldAt); err != nil {
		bad.Add("held_at", "rfc3339", "2026-11-02T09:00:00+08:00")
	}
	if n.ChairID == "" {
		bad.Add("chair_id", "required")
	} else if _, err := s.store.UserByID(ctx, n.ChairID); errors.Is(err, store.ErrNotFound) {
		bad.Add("chair_id", "inactive_user", n.ChairID)
	} else if err != nil {
		return store.Meeting{}, err
	}
	if err := bad.Err(); err != nil {
		return store.Meeting{}, err
	}
	return s.store.CreateMeeting(ctx, u.ID, n)
}

// meetingDecision is one decision of a meeting: the problem it became.
type meetingDecision struct {
	ID              string     `json:"id"`
	Title           string     `json:"title"`
	Status          string     `json:"status"`
	Departments     []string   `json:"departments"`
	Representatives []string   `json:"representatives"`
	DueAt           *time.Time `json:"due_at"`
}

// meetingDetail is a meeting with its decisions.
type meetingDetail struct {
	store.Meeting
	Decisions []meetingDecision `json:"decisions"`
}

func (s *server) meetingDetailOf(ctx context.Context, id string) (meetingDetail, []store.Problem, error) {
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return meetingDetail{}, nil, err
	}
	items, err := s.store.ListProblems(ctx, store.ProblemFilter{Meeting: id, Limit: 200})
	if err != nil {
		return meetingDetail{}, nil, err
	}
	d := meetingDetail{Meeting: m, Decisions: []meetingDecision{}}
	for _, x := range items {
		d.Decisions = append(d.Decisions, meetingDecision{ID: x.ID, Title: x.Title, Status: x.Status,
			Departments: nonNilStrings(x.Departments), Representatives: nonNilStrings(x.Representatives), DueAt: x.DueAt})
	}
	return d, items, nil
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func (s *server) postMeeting(w http.ResponseWriter, r *http.Request) {
	var in meetingInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.recordMeeting(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/meetings/"+m.ID)
	writeJSON(w, http.StatusCreated, meetingDetail{Meeting: m, Decisions: []meetingDecision{}})
}

func (s *server) getMeeting(w http.ResponseWriter, r *http.Request) {
	d, _, err := s.meetingDetailOf(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// meetingAPI registers the coordination meeting endpoints.
func (s *server) meetingAPI(r chi.Router) {
	r.Post("/meetings", s.postMeeting)
	r.Get("/meetings/{id}", s.getMeeting)
}

// meetingForm is the new meeting form as typed.
type meetingForm struct {
	Kind, Title, HeldAt, ChairID, Minutes string
	Errors                                map[string]string
	Error                                 string
}

// Err is the problem with a field, if any.
func (f *meetingForm) Err(field string) string { return f.Errors[field] }

type meetingsData struct {
	Center   bool
	Meetings []store.Meeting
	Form     *meetingForm
	Kinds    []string
	People   []userRef
}

func (s *server) isCenter(ctx context.Context, p *page, u store.User) (bool, error) {
	if p.doc == nil {
		return false, nil
	}
	a, err := s.actorToday(ctx, u)
	return a.Center, err
}

func (s *server) meetingsPage(w http.ResponseWriter, r *http.Request) {
	now := s.now().In(s.location(r.Context()))
	s.showMeetings(w, r, http.StatusOK, &meetingForm{Kind: store.MeetingProductionDispatch,
		HeldAt: now.Format(localInput), ChairID: userFrom(r.Context()).ID})
}

func (s *server) showMeetings(w http.ResponseWriter, r *http.Request, status int, f *meetingForm) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u := userFrom(r.Context())
	p := s.newPage(r, "ui.meeting.list.title")
	center, err := s.isCenter(ctx, p, u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	ms, err := s.store.Meetings(ctx, 100)
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
	in := meetingInput{Kind: f.Kind, Title: f.Title, ChairID: f.ChairID, Minutes: f.Minutes}
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
		if m, err = s.recordMeeting(ctx, userFrom(r.Context()), in); err == nil {
			http.Redirect(w, r, "/meetings/"+m.ID, http.StatusSeeOther)
			return
		}
	}
	e := s.explain(r, webSessionFrom(r.Context()).lang, err)
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
	Center     bool
	Form       *decisionForm
	Choices    []deptReps
	Severities []policy.Severity
	Now        time.Time
}

// Overdue reports whether a decision is overdue.
func (d *meetingData) Overdue(pr store.Problem) bool { return problemOverdue(pr, d.Now) }

func (s *server) meetingPage(w http.ResponseWriter, r *http.Request) {
	s.showMeeting(w, r, http.StatusOK, &decisionForm{Severity: "normal"})
}

func (s *server) showMeeting(w http.ResponseWriter, r *http.Request, status int, f *decisionForm) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	u := userFrom(r.Context())
	md, items, err := s.meetingDetailOf(ctx, chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p := s.newPage(r, "ui.meeting.title")
	p.Title = md.ID + " · " + md.Title
	d := &meetingData{Meeting: md.Meeting, Decisions: items, Form: f, Now: s.now()}
	if d.Center, err = s.isCenter(ctx, p, u); err != nil {
		s.errorPage(w, r, err)
		return
	}
	if d.Center {
		if d.Choices, err = s.publishChoices(ctx, p); err != nil {
			s.errorPage(w, r, err)
			return
		}
		if p.doc != nil {
			d.Severities = p.doc.Production.Severities
		}
	}
	p.Data = d
	s.render(w, r, status, "meeting", p)
}

// meetingDecisionSubmit records a meeting's decision: a problem raised with the meeting's ID
// and published at once to the department and representative named, by the chair when the chair
// is center staff today, otherwise by the center staff recording it.
func (s *server) meetingDecisionSubmit(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	id := chi.URLParam(r, "id")
	v := r.PostForm
	f := &decisionForm{Title: v.Get("title"), Description: v.Get("description"), Severity: v.Get("severity"),
		Department: v.Get("department"), Representative: v.Get("representative"), DueAt: v.Get("due_at")}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	err := s.recordDecision(ctx, r, u, id, f)
	if err == nil {
		http.Redirect(w, r, "/meetings/"+id+"?done=decision", http.StatusSeeOther)
		return
	}
	e := s.explain(r, webSessionFrom(r.Context()).lang, err)
	if e.Status == http.StatusNotFound || e.Status == http.StatusForbidden || e.Status >= 500 {
		s.errorPage(w, r, err)
		return
	}
	f.Errors, f.Error = e.Fields, e.Message
	s.showMeeting(w, r, e.Status, f)
}

func (s *server) recordDecision(ctx context.Context, r *http.Request, u store.User, id string, f *decisionForm) error {
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return err
	}
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return service.Internal(err)
	}
	day, err := s.today(doc)
	if err != nil {
		return err
	}
	actor, err := s.problemActor(ctx, u, day)
	if err != nil {
		return err
	}
	if !actor.Center {
		return errForbidden
	}
	// What publication needs is checked before anything is raised.
	bad := service.FieldErrors{}
	pub := problemActionRequest{}
	if _, ok := doc.Department(f.Department); !ok {
		bad.Add("department", "unknown_department", f.Department)
	} else if reps, err := s.store.Representatives(ctx, f.Department, day); err != nil {
		return err
	} else if !slices.Contains(reps, f.Representative) {
		bad.Add("representative", "not_representative", f.Representative, f.Department)
	}
	pub.Assignments = []assignmentInput{{Department: f.Department, Representatives: []string{f.Representative}}}
	if f.DueAt != "" {
		at, err := time.ParseInLocation(localInput, f.DueAt, s.location(ctx))
		if err != nil {
			bad.Add("due_at", "date")
		} else if !at.After(s.now()) {
			bad.Add("due_at", "future")
		}
		pub.DueAt = at.Format(time.RFC3339)
	}
	if err := bad.Err(); err != nil {
		return err
	}
	pr, err := s.raiseProblem(ctx, u, problemInput{Title: f.Title, Description: f.Description, Severity: f.Severity,
		MeetingID: m.ID})
	if err != nil {
		return err
	}
	publisher := u
	if m.ChairID != u.ID {
		if chair, err := s.store.UserByID(ctx, m.ChairID); err == nil {
			if a, err := s.problemActor(ctx, chair, day); err == nil && a.Center {
				publisher = chair
			}
		}
	}
	rev := pr.Revision
	pub.Revision = &rev
	if _, err := s.actOnProblem(ctx, publisher, pr.ID, prb.ActPublish, pub, "meeting-"+m.ID); err != nil {
		return fmt.Errorf("publish %s: %w", pr.ID, err)
	}
	return nil
}

// Template helpers of the problem pages.

// prbField is one text field of the raise form.
type prbField struct {
	Name, Label, Value string
	Max                int
	Required           bool
}

// PrbFields lists the raise form's text fields with what was typed.
func (p *page) PrbFields() []prbField {
	f, _ := p.Data.(*problemForm)
	if f == nil {
		return nil
	}
	return []prbField{
		{Name: "title", Label: "ui.prb.field.title", Value: f.Title, Max: maxProblemTitle, Required: true},
		{Name: "description", Label: "ui.prb.field.description", Value: f.Description, Max: maxProblemText, Required: true},
		{Name: "model", Label: "ui.prb.field.model", Value: f.Model, Max: maxProblemTag},
		{Name: "batch", Label: "ui.prb.field.batch", Value: f.Batch, Max: maxProblemTag},
		{Name: "bom_node", Label: "ui.prb.field.bom_node", Value: f.BOMNode, Max: maxProblemTag},
		{Name: "line", Label: "ui.prb.field.line", Value: f.Line, Max: maxProblemTag},
	}
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

// NeedsPrbReason reports whether a problem action must carry a reason.
func (p *page) NeedsPrbReason(a prb.ActionType) bool {
	switch a {
	case prb.ActReject, prb.ActMerge, prb.ActChangeDue, prb.ActEscalate, prb.ActRefuse, prb.ActProgress, prb.ActComment:
		return true
	}
	return false
}

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
	Pr store.Problem
}

// BoardRow pairs a listed problem with the page, for the board's partials.
func (p *page) BoardRow(pr store.Problem) boardRow { return boardRow{P: p, Pr: pr} }
