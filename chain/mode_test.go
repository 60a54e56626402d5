package chain_test

import (
	"testing"

	"signoff/chain"
	"signoff/policy"
)

// TestStepCompletionByMode signs one step of each countersign mode person by person and checks,
// after every signature, whether the case has moved on and who still holds the step.
func TestStepCompletionByMode(t *testing.T) {
	type move struct {
		actor       string
		addParallel string   // if set, the actor adds this signer in parallel instead of approving
		wantDone    bool     // the step is complete and the case has moved to "next"
		wantHolders []string // holders of the step while it is not done
	}
	tests := []struct {
		name      string
		mode      policy.Mode
		k         int
		assignees []string
		moves     []move
	}{
		{"any_of: the first signature completes", policy.ModeAnyOf, 0, []string{"a", "b", "c"}, []move{
			{actor: "b", wantDone: true},
		}},
		{"all_of: every assignee must sign", policy.ModeAllOf, 0, []string{"a", "b", "c"}, []move{
			{actor: "a", wantHolders: []string{"b", "c"}},
			{actor: "c", wantHolders: []string{"b"}},
			{actor: "b", wantDone: true},
		}},
		{"k_of_n: two of three", policy.ModeKOfN, 2, []string{"a", "b", "c"}, []move{
			{actor: "c", wantHolders: []string{"a", "b"}},
			{actor: "a", wantDone: true},
		}},
		{"k_of_n: K above n needs everyone", policy.ModeKOfN, 5, []string{"a", "b"}, []move{
			{actor: "a", wantHolders: []string{"b"}},
			{actor: "b", wantDone: true},
		}},
		{"all_of: a parallel signer must sign too", policy.ModeAllOf, 0, []string{"a", "b"}, []move{
			{actor: "a", wantHolders: []string{"b"}},
			{actor: "b", addParallel: "d", wantHolders: []string{"b", "d"}},
			{actor: "b", wantHolders: []string{"d"}},
			{actor: "d", wantDone: true},
		}},
		{"k_of_n: K above n needs every routed assignee and the added signer", policy.ModeKOfN, 3, []string{"a", "b"}, []move{
			{actor: "a", addParallel: "c", wantHolders: []string{"a", "b", "c"}},
			{actor: "a", wantHolders: []string{"b", "c"}},
			{actor: "b", wantHolders: []string{"c"}},
			{actor: "c", wantDone: true},
		}},
		{"k_of_n: a parallel signer's signature counts besides K, not towards it", policy.ModeKOfN, 2, []string{"a", "b", "c"}, []move{
			{actor: "a", addParallel: "d", wantHolders: []string{"a", "b", "c", "d"}},
			{actor: "d", wantHolders: []string{"a", "b", "c"}},
			{actor: "b", wantHolders: []string{"a", "c"}},
			{actor: "a", wantDone: true},
		}},
		{"any_of: a parallel signer never completes it alone", policy.ModeAnyOf, 0, []string{"a", "b"}, []move{
			{actor: "a", addParallel: "d", wantHolders: []string{"a", "b", "d"}},
			{actor: "d", wantHolders: []string{"a", "b"}},
			{actor: "b", wantDone: true},
		}},
		{"any_of: the routed holder's signature waits for the added signer", policy.ModeAnyOf, 0, []string{"a"}, []move{
			{actor: "a", addParallel: "d", wantHolders: []string{"a", "d"}},
			{actor: "a", wantHolders: []string{"d"}},
			{actor: "d", wantDone: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := handRoute(
				policy.RouteStep{Key: "sign", Role: policy.RoleWitness, Mode: tt.mode, K: tt.k, Assignees: tt.assignees},
				policy.RouteStep{Key: "next", Role: policy.RoleApprover, Mode: policy.ModeAnyOf, Assignees: []string{"z"}},
			)
			rules := chain.RulesOf(policy.Demo())
			rules.Members = []string{"a", "b", "c", "d", "z"} // the hand route's people
			st := chain.New(caseID, submitter, 1, rules, r, monday10)
			if got := st.Holders(); !equalStrings(got, tt.assignees) {
				t.Fatalf("holders at start = %v, want %v", got, tt.assignees)
			}
			for i, m := range tt.moves {
				if m.addParallel != "" {
					do(t, st, chain.Action{Type: chain.ActAddSigner, Actor: m.actor, Target: m.addParallel,
						Position: chain.PositionParallel}, monday10)
				} else {
					approve(t, st, m.actor, monday10)
				}
				done := st.Steps[0].Done
				if done != m.wantDone {
					t.Fatalf("move %d (%s): step done = %v, want %v", i, m.actor, done, m.wantDone)
				}
				if m.wantDone {
					if currentKey(st) != "next" || !equalStrings(st.Holders(), []string{"z"}) {
						t.Fatalf("move %d: current %q holders %v, want next held by [z]", i, currentKey(st), st.Holders())
					}
					continue
				}
				if currentKey(st) != "sign" {
					t.Fatalf("move %d: current step %q, want sign", i, currentKey(st))
				}
				if got := st.Holders(); !equalStrings(got, m.wantHolders) {
					t.Fatalf("move %d (%s): holders = %v, want %v", i, m.actor, got, m.wantHolders)
				}
			}
		})
	}
}

// TestSignedAssigneeCannotSignAgain: in a countersign step a signature counts once, whether
// the assignee signed or a delegate signed for them.
func TestSignedAssigneeCannotSignAgain(t *testing.T) {
	tests := []struct {
		name  string
		first chain.Action
		again chain.Action
	}{
		{"self twice",
			chain.Action{Type: chain.ActApprove, Actor: "a"},
			chain.Action{Type: chain.ActApprove, Actor: "a"}},
		{"delegate, then the assignee",
			chain.Action{Type: chain.ActApprove, Actor: "x", OnBehalfOf: "a"},
			chain.Action{Type: chain.ActApprove, Actor: "a"}},
		{"assignee, then a delegate for them",
			chain.Action{Type: chain.ActApprove, Actor: "a"},
			chain.Action{Type: chain.ActReject, Actor: "x", OnBehalfOf: "a", Comment: "no"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := handRoute(policy.RouteStep{Key: "sign", Role: policy.RoleWitness, Mode: policy.ModeAllOf,
				Assignees: []string{"a", "b"}})
			st := chain.New(caseID, submitter, 1, chain.RulesOf(policy.Demo()), r, monday10)
			do(t, st, tt.first, monday10)
			if got := st.Holders(); !equalStrings(got, []string{"b"}) {
				t.Fatalf("holders after the first signature = %v, want [b]", got)
			}
			tt.again.Revision = st.Revision
			if code := refusalCode(t, st.Validate(tt.again, monday10)); code != chain.CodeNotAllowedNow {
				t.Errorf("second signature for a: code %q, want %q", code, chain.CodeNotAllowedNow)
			}
		})
	}
}
