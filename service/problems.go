package service

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"signoff/policy"
	prb "signoff/problem"
	"signoff/store"
	"signoff/workflows"
)

// Production problems (生产问题): raising one, and acting on it. What an action may do is the
// problem package's (Validate, run again by the problem's workflow as its Update validator);
// here the caller is turned into the actor the rules judge (their posts in the registry today),
// the names they typed are checked against the policy and the registry, and the decision is
// sent to the workflow.

// Limits of a problem as typed by a person.
const (
	maxProblemTitle       = 200
	maxProblemText        = 4000
	maxProblemTag         = 100 // model, batch, BOM node, line
	maxProblemAttachments = 20  // as on a claim
)

// ProblemField is one text field of a raised problem: its JSON name, its limit in characters and
// whether it is required.
type ProblemField struct {
	Name     string
	Max      int
	Required bool
}

// ProblemFields are the text fields of a raised problem, in the order a form shows them. The
// raise is checked against them and the form marks them from them.
var ProblemFields = []ProblemField{
	{Name: "title", Max: maxProblemTitle, Required: true},
	{Name: "description", Max: maxProblemText, Required: true},
	{Name: "model", Max: maxProblemTag},
	{Name: "batch", Max: maxProblemTag},
	{Name: "bom_node", Max: maxProblemTag},
	{Name: "line", Max: maxProblemTag},
}

// ProblemInput is a production problem as its raiser sends it.
type ProblemInput struct {
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

// RaiseProblem checks and writes a problem and starts its workflow, returning once the raise is
// recorded. Every problem with the input is reported at once and none writes.
func (s *Service) RaiseProblem(ctx context.Context, u store.User, in ProblemInput) (store.Problem, error) {
	version, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Problem{}, Internal(fmt.Errorf("raise problem: %w", err))
	}
	bad := FieldErrors{}
	n := store.NewProblem{Severity: strings.TrimSpace(in.Severity), RaisedBy: u.ID, PolicyVersion: version,
		Attachments: distinct(in.Attachments), MeetingID: strings.TrimSpace(in.MeetingID)}
	text := map[string]struct {
		typed string
		dst   *string
	}{
		"title": {in.Title, &n.Title}, "description": {in.Description, &n.Description}, "model": {in.Model, &n.Model},
		"batch": {in.Batch, &n.Batch}, "bom_node": {in.BOMNode, &n.BOMNode}, "line": {in.Line, &n.Line},
	}
	for _, f := range ProblemFields {
		t := text[f.Name]
		*t.dst = checkText(bad, f.Name, t.typed, f.Max, f.Required)
	}
	if _, ok := doc.Production.Severity(n.Severity); !ok {
		bad.Add("severity", "one_of", severityIDs(doc))
	}
	if len(n.Attachments) > maxProblemAttachments {
		bad.Add("attachments", "attachments_too_many", maxProblemAttachments)
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
	day, err := s.Today(doc)
	if err != nil {
		return store.Problem{}, err
	}
	n.Year = day.Year()
	id, err := s.store.CreateProblem(ctx, n)
	var attach *store.AttachmentError
	switch {
	case errors.As(err, &attach):
		return store.Problem{}, FieldErrors{"attachments": {Key: "attachment_unavailable", Args: []any{strings.Join(attach.IDs, ", ")}}}.Err()
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
func (s *Service) startProblem(ctx context.Context, id, raiser, severity string, version int) error {
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

// ActorToday is ProblemActor on today's date in the policy's timezone.
func (s *Service) ActorToday(ctx context.Context, u store.User) (prb.Actor, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return prb.Actor{}, Internal(err)
	}
	day, err := s.Today(doc)
	if err != nil {
		return prb.Actor{}, err
	}
	return s.ProblemActor(ctx, u, day)
}

// ProblemActor is the caller with the posts the registry gives them on a day.
func (s *Service) ProblemActor(ctx context.Context, u store.User, day time.Time) (prb.Actor, error) {
	g, err := s.GrantsOn(ctx, u, day)
	if err != nil {
		return prb.Actor{}, err
	}
	return actorOf(u, g), nil
}

// ProblemActionType is the action a path names, or ErrNotFound.
func ProblemActionType(name string) (prb.ActionType, error) {
	t := prb.ActionType(name)
	if !slices.Contains(prb.Actions, t) {
		return "", ErrNotFound
	}
	return t, nil
}

// ProblemActionInput is an action on a problem as a client sends it.
type ProblemActionInput struct {
	Revision    *int              `json:"revision"`
	Comment     string            `json:"comment"`
	Assignments []AssignmentInput `json:"assignments"` // publish, republish
	DueAt       string            `json:"due_at"`      // RFC 3339; publish (optional), republish (optional), change_due
	MergeInto   string            `json:"merge_into"`  // merge
}

// AssignmentInput is one department made responsible, with its representatives.
type AssignmentInput struct {
	Department      string   `json:"department"`
	Representatives []string `json:"representatives"`
}

// ActOnProblem checks the form of an action, who the caller is for the problem today (center,
// representative of which departments), that departments and representatives exist in the
// registry and a merge target is open, then sends it to the problem's workflow, whose validator
// decides. key, if any, makes a retry the same action.
func (s *Service) ActOnProblem(ctx context.Context, u store.User, id string, t prb.ActionType, in ProblemActionInput, key string) (store.Problem, error) {
	p, err := s.store.Problem(ctx, id)
	if err != nil {
		return store.Problem{}, fmt.Errorf("%s %s: %w", t, id, err)
	}
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.Problem{}, Internal(err)
	}
	day, err := s.Today(doc)
	if err != nil {
		return store.Problem{}, err
	}
	actor, err := s.ProblemActor(ctx, u, day)
	if err != nil {
		return store.Problem{}, err
	}
	a := prb.Action{Type: t, Actor: actor, Comment: in.Comment, MergeInto: strings.TrimSpace(in.MergeInto)}
	bad := FieldErrors{}
	switch {
	case in.Revision != nil && *in.Revision >= 0:
		a.Revision = *in.Revision
	case in.Revision != nil:
		bad.Add("revision", "negative")
	case t != prb.ActComment && t != prb.ActProgress:
		bad.Add("revision", "revision_required")
	}
	checkPlain(bad, "comment", in.Comment)
	checkPlain(bad, "merge_into", in.MergeInto)
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
	var updateID string
	if key != "" {
		updateID = u.ID + "/" + string(t) + "/" + key
	}
	opts, err := s.actionUpdate(p.ID, string(t), updateID, a)
	if err != nil {
		return store.Problem{}, fmt.Errorf("%s %s: %w", t, p.ID, err)
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

// ProblemUploads are the uploads of u a raise form sent back keeps: those still linked to
// nothing.
func (s *Service) ProblemUploads(ctx context.Context, u store.User, ids []string) ([]store.Attachment, error) {
	return s.KeptUploads(ctx, u, ids)
}

// WorkflowURL links a workflow in the Temporal UI, or is "" when no UI is configured.
func (s *Service) WorkflowURL(id string) string {
	if s.tcfg.UIURL == "" {
		return ""
	}
	ns := s.tcfg.Namespace
	if ns == "" {
		ns = "default"
	}
	return strings.TrimRight(s.tcfg.UIURL, "/") + "/namespaces/" + url.PathEscape(ns) + "/workflows/" + url.PathEscape(id)
}
