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
