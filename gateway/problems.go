package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"signoff/service"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"signoff/policy"
	prb "signoff/problem"
	"signoff/store"
	"signoff/workflows"
)

// Limits of a problem as typed by a person.
const (
	maxProblemTitle = 200
	maxProblemText  = 4000
	maxProblemTag   = 100 // model, batch, BOM node, line
)

// problemInput is a production problem as its raiser sends it.
type problemInput struct {
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Model       string   `json:"model"`    // 型号
	Batch       string   `json:"batch"`    // 批次
	BOMNode     string   `json:"bom_node"` // BOM 节点
	Line        string   `json:"line"`     // 产线 / 车间
	Severity    string   `json:"severity"`
	Attachments []string `json:"attachments"`
	MeetingID   string   `json:"meeting_id"` // the coordination meeting that decided it, if any
}

// raiseProblem validates and writes a problem and starts its workflow, returning once the raise
// is recorded. The API and the web form both raise through it.
func (s *server) raiseProblem(ctx context.Context, u store.User, in problemInput) (store.Problem, error) {
	version, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Problem{}, service.Internal(fmt.Errorf("raise problem: %w", err))
	}
	bad := service.FieldErrors{}
	n := store.NewProblem{Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description),
		Model: strings.TrimSpace(in.Model), Batch: strings.TrimSpace(in.Batch), BOMNode: strings.TrimSpace(in.BOMNode),
		Line: strings.TrimSpace(in.Line), Severity: strings.TrimSpace(in.Severity), RaisedBy: u.ID,
		PolicyVersion: version, Attachments: distinct(in.Attachments), MeetingID: strings.TrimSpace(in.MeetingID)}
	switch l := utf8.RuneCountInString(n.Title); {
	case l == 0:
		bad.Add("title", "required")
	case l > maxProblemTitle:
		bad.Add("title", "too_long", maxProblemTitle)
	}
	switch l := utf8.RuneCountInString(n.Description); {
	case l == 0:
		bad.Add("description", "required")
	case l > maxProblemText:
		bad.Add("description", "too_long", maxProblemText)
	}
	for name, v := range map[string]string{"model": n.Model, "batch": n.Batch, "bom_node": n.BOMNode, "line": n.Line} {
		if utf8.RuneCountInString(v) > maxProblemTag {
			bad.Add(name, "too_long", maxProblemTag)
		}
	}
	if _, ok := doc.Production.Severity(n.Severity); !ok {
		bad.Add("severity", "one_of", severityIDs(doc))
	}
	if len(n.Attachments) > maxAttachments {
		bad.Add("attachments", "attachments_too_many", maxAttachments)
	}
	if n.MeetingID != "" {
		switch _, err := s.store.Meeting(ctx, n.MeetingID); {
		case errors.Is(err, store.ErrNotFound):
			bad.Add("meeting_id", "unknown_meeting", n.MeetingID)
		case err != nil:
			return store.Problem{}, err
		}
	}
	if err := bad.Err(); err != nil {
		return store.Problem{}, err
	}
	day, err := s.today(doc)
	if err != nil {
		return store.Problem{}, err
	}
	n.Year = day.Year()
	id, err := s.store.CreateProblem(ctx, n)
	var attach *store.AttachmentError
	switch {
	case errors.As(err, &attach):
		return store.Problem{}, service.FieldErrors{"attachments": {Key: "attachment_unavailable", Args: []any{strings.Join(attach.IDs, ", ")}}}.Err()
	case err != nil:
		return store.Problem{}, fmt.Errorf("raise problem: %w", err)
	}
	if err := s.startProblem(ctx, id, u.ID, n.Severity, version); err != nil {
		return store.Problem{}, fmt.Errorf("raise problem %s: %w", id, err)
	}
	return s.store.Problem(ctx, id)
}

func severityIDs(doc *policy.Document) []string {
	ids := make([]string, 0, len(doc.Production.Severities))
	for _, sv := range doc.Production.Severities {
		ids = append(ids, sv.ID)
	}
	return ids
}

// startProblem starts a problem's workflow with update-with-start and waits until the raise is
// recorded. The problem's ID is the workflow ID, so a retry never starts a second one.
func (s *server) startProblem(ctx context.Context, id, raiser, severity string, version int) error {
	in := workflows.ProblemInput{ProblemID: id, Raiser: raiser, Severity: severity, PolicyVersion: version}
	opts := client.StartWorkflowOptions{
		ID: id, TaskQueue: s.tcfg.TaskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrKind.ValueSet("problem"),
			workflows.AttrStatus.ValueSet(string(prb.StatusRaised)), workflows.AttrSeverity.ValueSet(severity)),
	}
	start := s.temporal.NewWithStartWorkflowOperation(opts, workflows.ProblemWorkflow, in)
	h, err := s.temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateSubmit, UpdateID: id + "/raise",
			WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err != nil {
		return fmt.Errorf("start workflow: %w", err)
	}
	var v workflows.ProblemView
	return h.Get(ctx, &v)
}

// actorToday is problemActor on today's date in the policy's timezone.
func (s *server) actorToday(ctx context.Context, u store.User) (prb.Actor, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return prb.Actor{}, service.Internal(err)
	}
	day, err := s.today(doc)
	if err != nil {
		return prb.Actor{}, err
	}
	return s.problemActor(ctx, u, day)
}

// problemActor is the caller with the posts the registry gives them on a day: the client never
// says for itself that it speaks for the center or a department.
func (s *server) problemActor(ctx context.Context, u store.User, day time.Time) (prb.Actor, error) {
	posts, err := s.store.PostsOf(ctx, u.ID, day)
	if err != nil {
		return prb.Actor{}, fmt.Errorf("posts of %s: %w", u.ID, err)
	}
	a := prb.Actor{ID: u.ID}
	for _, p := range posts {
		switch p.Post {
		case store.PostCenterDirector, store.PostCenterDeputy, store.PostCenterDispatcher:
			a.Center = true
		case store.PostRepresentative:
			if !slices.Contains(a.Departments, p.DepartmentID) {
				a.Departments = append(a.Departments, p.DepartmentID)
			}
		}
	}
	return a, nil
}

// problemActionRequest is the body of an action on a prb.
type problemActionRequest struct {
	Revision    *int              `json:"revision"`
	Comment     string            `json:"comment"`
	Assignments []assignmentInput `json:"assignments"` // publish, republish
	DueAt       string            `json:"due_at"`      // RFC 3339; publish (optional), republish (optional), change_due
	MergeInto   string            `json:"merge_into"`  // merge
}

type assignmentInput struct {
	Department      string   `json:"department"`
	Representatives []string `json:"representatives"`
}

// actOnProblem checks the form of an action, who the caller is for the problem today (center,
// representative of which departments), that departments and representatives exist in the
// registry and a merge target is open, then sends it to the problem's workflow.
func (s *server) actOnProblem(ctx context.Context, u store.User, id string, t prb.ActionType, in problemActionRequest, key string) (store.Problem, error) {
	p, err := s.store.Problem(ctx, id)
	if err != nil {
		return store.Problem{}, fmt.Errorf("%s %s: %w", t, id, err)
	}
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Problem{}, service.Internal(err)
	}
	day, err := s.today(doc)
	if err != nil {
		return store.Problem{}, err
	}
	actor, err := s.problemActor(ctx, u, day)
	if err != nil {
		return store.Problem{}, err
	}
	a := prb.Action{Type: t, Actor: actor, Comment: in.Comment, MergeInto: strings.TrimSpace(in.MergeInto)}
	bad := service.FieldErrors{}
	switch {
	case in.Revision != nil && *in.Revision >= 0:
		a.Revision = *in.Revision
	case in.Revision != nil:
		bad.Add("revision", "negative")
	case t != prb.ActComment && t != prb.ActProgress:
		bad.Add("revision", "revision_required")
	}
	if utf8.RuneCountInString(in.Comment) > prb.MaxCommentLen {
		bad.Add("comment", "too_long", prb.MaxCommentLen)
	}
	if in.DueAt != "" {
		if a.DueAt, err = time.Parse(time.RFC3339, in.DueAt); err != nil {
			bad.Add("due_at", "rfc3339", "2026-11-02T18:00:00+08:00")
		}
	}
	for i, as := range in.Assignments {
		field := func(name string) string { return fmt.Sprintf("assignments[%d].%s", i, name) }
		dept := strings.TrimSpace(as.Department)
		if _, ok := doc.Department(dept); !ok {
			bad.Add(field("department"), "unknown_department", dept)
			continue
		}
		reps, err := s.store.Representatives(ctx, dept, day)
		if err != nil {
			return store.Problem{}, err
		}
		named := distinct(as.Representatives)
		for _, r := range named {
			if !slices.Contains(reps, r) {
				bad.Add(field("representatives"), "not_representative", r, dept)
			}
		}
		a.Assignments = append(a.Assignments, prb.Assignment{Department: dept, Representatives: named})
	}
	if t == prb.ActMerge && a.MergeInto != "" {
		switch target, err := s.store.Problem(ctx, a.MergeInto); {
		case errors.Is(err, store.ErrNotFound):
			bad.Add("merge_into", "unknown_problem", a.MergeInto)
		case err != nil:
			return store.Problem{}, err
		case prb.Status(target.Status).Closed():
			bad.Add("merge_into", "problem_closed", a.MergeInto)
		}
	}
	if err := bad.Err(); err != nil {
		return store.Problem{}, err
	}
	opts := client.UpdateWorkflowOptions{WorkflowID: p.ID, UpdateName: string(t), Args: []any{a},
		WaitForStage: client.WorkflowUpdateStageCompleted}
	if key != "" {
		opts.UpdateID = u.ID + "/" + string(t) + "/" + key
	}
	h, err := s.temporal.UpdateWorkflow(ctx, opts)
	if err != nil {
		return store.Problem{}, fmt.Errorf("%s %s: update: %w", t, p.ID, err)
	}
	var v workflows.ProblemView
	if err := h.Get(ctx, &v); err != nil {
		return store.Problem{}, fmt.Errorf("%s %s: %w", t, p.ID, err)
	}
	return s.store.Problem(ctx, p.ID)
}

// problemView is a problem as clients see it: its facts, its ledger, whether it is overdue, and
// what the caller may do now.
type problemView struct {
	store.Problem
	Overdue        bool                `json:"overdue"`
	Seals          []store.ProblemSeal `json:"seals"`
	AllowedActions []prb.ActionType    `json:"allowed_actions"`
	TemporalURL    string              `json:"temporal_url"`
}

func (s *server) problemViewOf(ctx context.Context, u store.User, p store.Problem) (problemView, error) {
	v := problemView{Problem: p, AllowedActions: []prb.ActionType{}, TemporalURL: s.temporalURL(p.ID)}
	seals, err := s.store.ProblemSeals(ctx, p.ID)
	if err != nil {
		return problemView{}, err
	}
	v.Seals = seals
	if v.Seals == nil {
		v.Seals = []store.ProblemSeal{}
	}
	var st prb.State
	if len(p.State) > 0 {
		if err := json.Unmarshal(p.State, &st); err != nil {
			return problemView{}, fmt.Errorf("problem %s state: %w", p.ID, err)
		}
		actor, err := s.actorToday(ctx, u)
		if err != nil {
			return problemView{}, err
		}
		now := s.now()
		v.Overdue = st.Overdue(now)
		if allowed := st.Allowed(actor, now); allowed != nil {
			v.AllowedActions = allowed
		}
	}
	return v, nil
}

// API handlers.

func (s *server) postProblem(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	var in problemInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	p, err := s.raiseProblem(ctx, u, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.problemViewOf(ctx, u, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/problems/"+p.ID)
	writeJSON(w, http.StatusCreated, v)
}

func (s *server) getProblem(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	p, err := s.store.Problem(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.problemViewOf(r.Context(), u, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *server) postProblemAction(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	t := prb.ActionType(chi.URLParam(r, "action"))
	if !slices.Contains(prb.Actions, t) {
		s.fail(w, r, errNotFound)
		return
	}
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in problemActionRequest
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	p, err := s.actOnProblem(ctx, u, chi.URLParam(r, "id"), t, in, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.problemViewOf(ctx, u, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// problemAPI registers the production problem endpoints.
func (s *server) problemAPI(r chi.Router) {
	r.Post("/problems", s.postProblem)
	r.Get("/problems/{id}", s.getProblem)
	r.Post("/problems/{id}/actions/{action}", s.postProblemAction)
}
