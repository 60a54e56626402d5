package problem_test

import (
	"testing"

	"signoff/problem"
)

// TestValidateRefusesUnstorableText: a NUL, another control character or invalid UTF-8 in a
// comment, a merge target or an assignment is refused before it enters history.
func TestValidateRefusesUnstorableText(t *testing.T) {
	for _, bad := range []string{"理由\x00", "a\x07", "\xc0\xaf"} {
		for _, tt := range []struct {
			typ  problem.ActionType
			edit func(*problem.Action)
		}{
			{problem.ActReject, func(a *problem.Action) { a.Comment = bad }},
			{problem.ActComment, func(a *problem.Action) { a.Comment = bad }},
			{problem.ActMerge, func(a *problem.Action) { a.MergeInto = bad }},
			{problem.ActPublish, func(a *problem.Action) {
				a.Assignments = []problem.Assignment{{Department: "quality", Representatives: []string{bad}}}
			}},
		} {
			st := raised(t)
			a := naturalAction(tt.typ, lastAt)
			a.Revision = st.Revision
			tt.edit(&a)
			if got := refusalCode(t, st.Validate(a, lastAt)); got != problem.CodeInvalidAction {
				t.Errorf("%s with %q: code %q, want %q", tt.typ, bad, got, problem.CodeInvalidAction)
			}
		}
	}
}
