package chain_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"signoff/chain"
	"signoff/policy"
)

// statesEqual compares two states through their JSON snapshot, which is what is persisted.
func statesEqual(t *testing.T, a, b *chain.State) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(ja) == string(jb)
}

// TestCloneIsDeep: changing anything reachable from a clone's slices leaves the original alone,
// so a handler can apply an action to a copy and drop it if persisting fails.
func TestCloneIsDeep(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *chain.State)
	}{
		{"step field", func(c *chain.State) { c.Steps[0].Done = true; c.Steps[0].Label = "x" }},
		{"assignee", func(c *chain.State) { c.Steps[1].Assignees[0] = "someone.else" }},
		{"assignees appended", func(c *chain.State) { c.Steps[1].Assignees = append(c.Steps[1].Assignees, "x") }},
		{"pool", func(c *chain.State) { c.Steps[0].Pool[0] = "someone.else" }},
		{"approval", func(c *chain.State) { c.Steps[0].Approvals[0].User = "forger" }},
		{"approvals appended", func(c *chain.State) {
			c.Steps[0].Approvals = append(c.Steps[0].Approvals, chain.Approval{User: "x"})
		}},
		{"participants", func(c *chain.State) { c.Participants[0] = "aaa" }},
		{"incompatible pairs", func(c *chain.State) { c.Incompatible[0][1] = policy.RoleCashier }},
		{"steps inserted", func(c *chain.State) { c.Steps = append(c.Steps[:1], c.Steps[2:]...) }},
		{"apply an action", func(c *chain.State) {
			c.Apply(chain.Action{Type: chain.ActAddSigner, Actor: reviewer1, Target: outsider,
				Position: chain.PositionParallel, Revision: c.Revision}, monday10)
			c.Apply(chain.Action{Type: chain.ActApprove, Actor: reviewer1, Revision: c.Revision}, monday10)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := atReview(t)
			snapshot, err := json.Marshal(orig)
			if err != nil {
				t.Fatal(err)
			}
			c := orig.Clone()
			if !reflect.DeepEqual(c, orig) {
				t.Fatalf("clone differs from the original before any change")
			}
			tt.mutate(c)
			after, err := json.Marshal(orig)
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(snapshot) {
				t.Errorf("mutating the clone changed the original:\nbefore %s\nafter  %s", snapshot, after)
			}
		})
	}
}

// TestStateJSONRoundTrip: the snapshot stored in Postgres decodes to the same state at every
// point of a case, and the decoded state behaves the same.
func TestStateJSONRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // UTC: JSON keeps the instant, not the zone
	states := map[string]*chain.State{}
	st := newCase(t, amountMiddle, at)
	states["new"] = st.Clone()
	do(t, st, chain.Action{Type: chain.ActApprove, Actor: colleague, OnBehalfOf: witness1, Comment: "代签"}, at.Add(time.Hour))
	do(t, st, chain.Action{Type: chain.ActNudge, Actor: submitter}, at.Add(2*time.Hour))
	do(t, st, chain.Action{Type: chain.ActAddSigner, Actor: reviewer1, Target: outsider, Position: chain.PositionAfter}, at.Add(2*time.Hour))
	states["with an added step and a nudge"] = st.Clone()
	do(t, st, chain.Action{Type: chain.ActReturn, Actor: reviewer1, Comment: "补"}, at.Add(3*time.Hour))
	states["returned"] = st.Clone()
	st.Rebase(routeFor(t, amountLarge, false))
	do(t, st, chain.Action{Type: chain.ActResubmit, Actor: submitter}, at.Add(4*time.Hour))
	st.Escalate([]string{finDir}, at.Add(5*time.Hour))
	states["rebased and escalated"] = st.Clone()
	for _, who := range []string{reviewer2, salesHead, finDir, gm} {
		approve(t, st, who, at.Add(6*time.Hour))
	}
	pay(t, st, at.Add(7*time.Hour))
	states["paid"] = st.Clone()

	for name, want := range states {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(want)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			var got chain.State
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			if !reflect.DeepEqual(&got, want) {
				t.Errorf("round trip changed the state:\nwant %+v\ngot  %+v", want, &got)
			}
			now := at.Add(8 * time.Hour)
			for _, user := range []string{submitter, witness1, reviewer1, cashier} {
				if a, b := got.Allowed(user, "", now), want.Allowed(user, "", now); !reflect.DeepEqual(a, b) {
					t.Errorf("Allowed(%s) after round trip = %v, want %v", user, a, b)
				}
			}
			if !got.Deadline().Equal(want.Deadline()) || !got.ReminderAt().Equal(want.ReminderAt()) {
				t.Errorf("deadline/reminder after round trip = %v/%v, want %v/%v",
					got.Deadline(), got.ReminderAt(), want.Deadline(), want.ReminderAt())
			}
		})
	}
}
