package problem_test

import (
	"slices"
	"testing"

	"signoff/problem"
)

// TestAllowed lists what each kind of person may do at each point of the problem.
func TestAllowed(t *testing.T) {
	const (
		publish   = problem.ActPublish
		merge     = problem.ActMerge
		reject    = problem.ActReject
		republish = problem.ActRepublish
		changeDue = problem.ActChangeDue
		escalate  = problem.ActEscalate
		progress  = problem.ActProgress
		solve     = problem.ActSolve
		verify    = problem.ActVerify
		refuseAct = problem.ActRefuse
		comment   = problem.ActComment
	)
	type ask struct {
		who  problem.Actor
		want []problem.ActionType
	}
	tests := []struct {
		name    string
		fixture func(*testing.T) *problem.State
		asks    []ask
	}{
		{"raised", raised, []ask{
			{raiser, []problem.ActionType{comment}},
			{dispatcher, []problem.ActionType{publish, merge, reject, comment}},
			{qualityRep, nil}, // not published to anyone yet
			{outsider, nil},
		}},
		{"in progress", inProgress, []ask{
			{raiser, []problem.ActionType{comment}},
			{dispatcher, []problem.ActionType{republish, changeDue, escalate, comment}},
			{qualityRep, []problem.ActionType{progress, solve, comment}},
			{qualityMate, []problem.ActionType{progress, solve, comment}},
			{productionRep, nil},
		}},
		{"solved", solved, []ask{
			{raiser, []problem.ActionType{verify, refuseAct, comment}},
			{director, []problem.ActionType{changeDue, verify, refuseAct, comment}},
			{qualityRep, []problem.ActionType{comment}},
			{outsider, nil},
		}},
		{"solved by its raiser", solvedByItsRaiser, []ask{
			{qualityRep, []problem.ActionType{refuseAct, comment}},
		}},
		{"closed", closed, []ask{{raiser, nil}, {dispatcher, nil}, {qualityRep, nil}}},
		{"merged", merged, []ask{{raiser, nil}, {dispatcher, nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			for _, q := range tt.asks {
				if got := st.Allowed(q.who, lastAt); !slices.Equal(got, q.want) {
					t.Errorf("%s: got %v, want %v", q.who.ID, got, q.want)
				}
			}
		})
	}
}

// TestAllowedPublishIgnoresAMissingDefault: the center may publish a problem of a severity with
// no default due date; it gives the due date itself.
func TestAllowedPublishIgnoresAMissingDefault(t *testing.T) {
	st := raise(t, problemID, raiser, "cosmic", monday10)
	if got := st.Allowed(dispatcher, lastAt); !slices.Contains(got, problem.ActPublish) {
		t.Errorf("allowed %v", got)
	}
}

// TestFormsSayWhatValidateDemands: each form marks as needed exactly the parts without which
// Validate refuses the action, and takes the parts the action carries. The expectations are the
// lifecycle as people know it: a reason to reject, merge, re-publish, move the due date,
// escalate, report progress, refuse a solution or comment; departments to publish to.
func TestFormsSayWhatValidateDemands(t *testing.T) {
	type P = problem.Parts
	tests := []struct {
		name    string
		fixture func(*testing.T) *problem.State
		who     problem.Actor
		want    map[problem.ActionType][2]P // takes, needs
	}{
		{"raised, the center", raised, dispatcher, map[problem.ActionType][2]P{
			problem.ActPublish: {{Reason: true, Assignments: true, DueAt: true}, {Assignments: true}},
			problem.ActMerge:   {{Reason: true, MergeInto: true}, {Reason: true, MergeInto: true}},
			problem.ActReject:  {{Reason: true}, {Reason: true}},
			problem.ActComment: {{Reason: true}, {Reason: true}},
		}},
		{"in progress, the center", inProgress, dispatcher, map[problem.ActionType][2]P{
			problem.ActRepublish: {{Reason: true, Assignments: true, DueAt: true}, {Reason: true, Assignments: true}},
			problem.ActChangeDue: {{Reason: true, DueAt: true}, {Reason: true, DueAt: true}},
			problem.ActEscalate:  {{Reason: true}, {Reason: true}},
			problem.ActComment:   {{Reason: true}, {Reason: true}},
		}},
		{"in progress, the representative", inProgress, qualityRep, map[problem.ActionType][2]P{
			problem.ActProgress: {{Reason: true}, {Reason: true}},
			problem.ActSolve:    {{Reason: true}, {}},
			problem.ActComment:  {{Reason: true}, {Reason: true}},
		}},
		{"solved, the raiser", solved, raiser, map[problem.ActionType][2]P{
			problem.ActVerify:  {{Reason: true}, {}},
			problem.ActRefuse:  {{Reason: true}, {Reason: true}},
			problem.ActComment: {{Reason: true}, {Reason: true}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			forms := st.Forms(tt.who, lastAt)
			if len(forms) != len(tt.want) {
				t.Errorf("forms %v, want %d of them", forms, len(tt.want))
			}
			for _, f := range forms {
				want, ok := tt.want[f.Type]
				if !ok {
					t.Errorf("unexpected form %s", f.Type)
					continue
				}
				if f.Takes != want[0] || f.Needs != want[1] {
					t.Errorf("%s: takes %+v needs %+v, want takes %+v needs %+v", f.Type, f.Takes, f.Needs, want[0], want[1])
				}
				// What the form needs is what Validate refuses the example without.
				ex := st.Example(f.Type, tt.who, lastAt)
				ex.Comment = ""
				if got := refusalCode(t, st.Validate(ex, lastAt)); (got == problem.CodeReasonRequired) != f.Needs.Reason {
					t.Errorf("%s without a reason: %q, but the form says needs reason %v", f.Type, got, f.Needs.Reason)
				}
			}
		})
	}
}

// TestFormsPublishNeedsADueWithoutADefault: a severity with no default due date makes the
// publication's due date needed.
func TestFormsPublishNeedsADueWithoutADefault(t *testing.T) {
	st := raise(t, problemID, raiser, "cosmic", monday10)
	for _, f := range st.Forms(dispatcher, lastAt) {
		if f.Type == problem.ActPublish && !f.Needs.DueAt {
			t.Errorf("publish of a severity without a default due: needs %+v", f.Needs)
		}
	}
}
