package service

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	prb "signoff/problem"
	"signoff/store"
)

// What people read of problems: one problem with what the reader may do to it, the list, and
// the reader's role board (角色看板). The actions offered and what their forms need come from the
// problem package (State.Forms asks Validate), never from a list kept here or in a page.

// ProblemView is a problem as clients see it: its facts, its ledger, whether it is overdue, and
// what the caller may do now.
type ProblemView struct {
	store.Problem
	Overdue        bool                `json:"overdue"`
	Seals          []store.ProblemSeal `json:"seals"`
	AllowedActions []prb.ActionType    `json:"allowed_actions"`
	TemporalURL    string              `json:"temporal_url"`
}

// ProblemView reads a problem for u.
func (s *Service) ProblemView(ctx context.Context, u store.User, id string) (ProblemView, error) {
	p, err := s.store.Problem(ctx, id)
	if err != nil {
		return ProblemView{}, err
	}
	return s.ProblemViewOf(ctx, u, p)
}

// ProblemViewOf is the view of a problem already read, for u.
func (s *Service) ProblemViewOf(ctx context.Context, u store.User, p store.Problem) (ProblemView, error) {
	v, _, _, err := s.problemView(ctx, u, p)
	return v, err
}

// problemView is the view of p for u, with the problem's state and the forms of what u may do.
func (s *Service) problemView(ctx context.Context, u store.User, p store.Problem) (ProblemView, prb.State, []prb.Form, error) {
	v := ProblemView{Problem: p, AllowedActions: []prb.ActionType{}, TemporalURL: s.WorkflowURL(p.ID)}
	seals, err := s.store.ProblemSeals(ctx, p.ID)
	if err != nil {
		return ProblemView{}, prb.State{}, nil, err
	}
	v.Seals = seals
	if v.Seals == nil {
		v.Seals = []store.ProblemSeal{}
	}
	var st prb.State
	if len(p.State) == 0 {
		return v, st, nil, nil
	}
	if err := json.Unmarshal(p.State, &st); err != nil {
		return ProblemView{}, prb.State{}, nil, fmt.Errorf("problem %s state: %w", p.ID, err)
	}
	actor, err := s.ActorToday(ctx, u)
	if err != nil {
		return ProblemView{}, prb.State{}, nil, err
	}
	now := s.now()
	v.Overdue = st.Overdue(now)
	forms := st.Forms(actor, now)
	for _, f := range forms {
		v.AllowedActions = append(v.AllowedActions, f.Type)
	}
	return v, st, forms, nil
}

// ProblemPage is a problem as its page shows it: the view, the state behind it, its
// attachments, the forms of the actions the reader may take, and whom a publication may name.
type ProblemPage struct {
	ProblemView
	State       prb.State
	Forms       []prb.Form
	Attachments []store.Attachment
	Choices     []DeptReps // when the reader may publish or re-publish
}

// ProblemPage reads the problem page of id for u.
func (s *Service) ProblemPage(ctx context.Context, u store.User, id string) (ProblemPage, error) {
	p, err := s.store.Problem(ctx, id)
	if err != nil {
		return ProblemPage{}, err
	}
	var d ProblemPage
	if d.ProblemView, d.State, d.Forms, err = s.problemView(ctx, u, p); err != nil {
		return ProblemPage{}, err
	}
	if slices.ContainsFunc(d.Forms, func(f prb.Form) bool { return f.Takes.Assignments }) {
		if d.Choices, err = s.PublishChoices(ctx); err != nil {
			return ProblemPage{}, err
		}
	}
	if d.Attachments, err = s.store.ProblemAttachments(ctx, p.ID); err != nil {
		return ProblemPage{}, err
	}
	return d, nil
}

// DeptReps is a department with its representatives in force today: whom a publication may name.
type DeptReps struct {
	ID, Name string
	Reps     []UserRef
}

// PublishChoices lists every department of the policy that has representatives today, with
// them.
func (s *Service) PublishChoices(ctx context.Context) ([]DeptReps, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil, Internal(err)
	}
	day, err := s.Today(doc)
	if err != nil {
		return nil, err
	}
	var out []DeptReps
	for _, d := range doc.Departments {
		reps, err := s.store.Representatives(ctx, d.ID, day)
		if err != nil {
			return nil, err
		}
		if len(reps) == 0 {
			continue
		}
		dr := DeptReps{ID: d.ID, Name: d.Name}
		for _, r := range reps {
			dr.Reps = append(dr.Reps, UserRef{ID: r, Name: UserName(doc, r)})
		}
		out = append(out, dr)
	}
	return out, nil
}

// ProblemOverdue reports whether a listed problem is past its due date and still open.
func ProblemOverdue(p store.Problem, now time.Time) bool {
	return prb.Status(p.Status).Open() && p.DueAt != nil && now.After(*p.DueAt)
}

// ProblemList is a list of problems as the list page asked for it.
type ProblemList struct {
	Filter   store.ProblemFilter
	Items    []store.Problem
	Statuses []prb.Status // those a list may ask for, in lifecycle order
	Now      time.Time
}

// ProblemList lists the problems a query asks for: status, department, severity, model, batch,
// bom_node, overdue=1, open=1, and the boards' drill-downs, age (an ageing bucket) and
// escalated_from / escalated_to (days in the policy's timezone, both included).
func (s *Service) ProblemList(ctx context.Context, q url.Values) (ProblemList, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return ProblemList{}, Internal(err)
	}
	loc, err := LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		return ProblemList{}, Internal(fmt.Errorf("policy timezone: %w", err))
	}
	d := ProblemList{Now: s.now(), Statuses: []prb.Status{prb.StatusRaised, prb.StatusInProgress, prb.StatusSolved,
		prb.StatusClosed, prb.StatusRejected, prb.StatusMerged}}
	d.Filter = store.ProblemFilter{Status: q.Get("status"), Department: q.Get("department"), Severity: q.Get("severity"),
		Model: strings.TrimSpace(q.Get("model")), Batch: strings.TrimSpace(q.Get("batch")), Overdue: q.Get("overdue") == "1",
		BOMNode: strings.TrimSpace(q.Get("bom_node")), Open: q.Get("open") == "1", Now: d.Now, Limit: 100}
	if from, to, ok := ageBucket(q.Get("age"), d.Now); ok {
		d.Filter.Open, d.Filter.PublishedFrom, d.Filter.PublishedTo = true, from, to
	}
	if v, err := time.ParseInLocation(time.DateOnly, q.Get("escalated_from"), loc); err == nil {
		d.Filter.EscalatedFrom = v
	}
	if v, err := time.ParseInLocation(time.DateOnly, q.Get("escalated_to"), loc); err == nil {
		d.Filter.EscalatedTo = v.AddDate(0, 0, 1)
	}
	if d.Items, err = s.store.ListProblems(ctx, d.Filter); err != nil {
		return ProblemList{}, err
	}
	return d, nil
}

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

// BoardItem is a problem on a role board with the forms of what the reader may do to it there.
type BoardItem struct {
	store.Problem
	Overdue bool
	Forms   []prb.Form
}

// Form is the form of action t if the reader may take it, else nil.
func (b BoardItem) Form(t string) *prb.Form {
	for i, f := range b.Forms {
		if string(f.Type) == t {
			return &b.Forms[i]
		}
	}
	return nil
}

// RoleBoard is what waits for one person (角色看板).
type RoleBoard struct {
	Center       bool        // the reader is center staff today
	Assigned     []BoardItem // in progress, held by the reader
	Verify       []BoardItem // solved, waiting for the reader (the raiser) to verify
	Screening    []BoardItem // center: raised, to screen
	CenterVerify []BoardItem // center: solved, waiting for verification
	OverdueN     int         // of the assigned
	Choices      []DeptReps  // whom a publication from the screening queue may name
	Now          time.Time
}

// RoleBoard reads u's role board.
func (s *Service) RoleBoard(ctx context.Context, u store.User) (RoleBoard, error) {
	actor, err := s.ActorToday(ctx, u)
	if err != nil {
		return RoleBoard{}, err
	}
	d := RoleBoard{Center: actor.Center, Now: s.now()}
	list := func(dst *[]BoardItem, f store.ProblemFilter) {
		if err != nil {
			return
		}
		f.Limit = 200
		var ps []store.Problem
		if ps, err = s.store.ListProblems(ctx, f); err != nil {
			return
		}
		for _, p := range ps {
			item := BoardItem{Problem: p, Overdue: ProblemOverdue(p, d.Now)}
			var st prb.State
			if len(p.State) > 0 {
				if err = json.Unmarshal(p.State, &st); err != nil {
					err = fmt.Errorf("problem %s state: %w", p.ID, err)
					return
				}
				item.Forms = st.Forms(actor, d.Now)
			}
			*dst = append(*dst, item)
		}
	}
	list(&d.Assigned, store.ProblemFilter{Status: string(prb.StatusInProgress), Holder: u.ID})
	list(&d.Verify, store.ProblemFilter{Status: string(prb.StatusSolved), Holder: u.ID})
	if actor.Center {
		list(&d.Screening, store.ProblemFilter{Status: string(prb.StatusRaised), Holder: prb.RecipientCenter})
		list(&d.CenterVerify, store.ProblemFilter{Status: string(prb.StatusSolved), Holder: prb.RecipientCenter})
	}
	if err != nil {
		return RoleBoard{}, err
	}
	// A solved problem the reader raised and the center both hold shows once, under the reader's.
	d.CenterVerify = slices.DeleteFunc(d.CenterVerify, func(x BoardItem) bool {
		return slices.ContainsFunc(d.Verify, func(y BoardItem) bool { return y.ID == x.ID })
	})
	for _, x := range d.Assigned {
		if x.Overdue {
			d.OverdueN++
		}
	}
	if len(d.Screening) > 0 {
		if d.Choices, err = s.PublishChoices(ctx); err != nil {
			return RoleBoard{}, err
		}
	}
	return d, nil
}
