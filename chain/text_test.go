package chain_test

import (
	"testing"

	"signoff/chain"
)

// TestValidateRefusesUnstorableText: a NUL, another control character or invalid UTF-8 in
// anything an action carries is refused by the validator, so it never enters history (the store
// would refuse it later, holding the workflow).
func TestValidateRefusesUnstorableText(t *testing.T) {
	now := monday10.Add(3 * 60 * 60 * 1e9)
	for _, bad := range []string{"理由\x00", "a\x1b[31m", "\xff", "\xed\xa0\x80"} {
		for _, tt := range []struct {
			typ  chain.ActionType
			edit func(*chain.Action)
		}{
			{chain.ActReject, func(a *chain.Action) { a.Comment = bad }},
			{chain.ActComment, func(a *chain.Action) { a.Comment = bad }},
			{chain.ActPay, func(a *chain.Action) { a.Reference = bad }},
			{chain.ActTransfer, func(a *chain.Action) { a.Target = bad }},
			{chain.ActReturn, func(a *chain.Action) { a.ToStep = bad }},
		} {
			st := atReview(t)
			a := naturalAction(tt.typ, reviewer1, now)
			a.Revision = st.Revision
			if tt.typ == chain.ActComment {
				a.Actor = submitter
			}
			tt.edit(&a)
			if got := refusalCode(t, st.Validate(a, now)); got != chain.CodeInvalidAction {
				t.Errorf("%s with %q: code %q, want %q", tt.typ, bad, got, chain.CodeInvalidAction)
			}
		}
	}
}
