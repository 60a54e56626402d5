package chain_test

import (
	"strings"
	"testing"
	"time"

	"signoff/chain"
)

// TestSystemTransfer: the system moves a holder's part of a step to someone the transfer rule
// accepts, on that holder's behalf and with a reason; it takes no other action, and its transfer
// meets the same target rule as a person's.
func TestSystemTransfer(t *testing.T) {
	st := atApproval(t)
	now := monday10.Add(3 * time.Hour)
	cur := st.CurrentStep()
	holder := cur.Assignees[0]
	targets := st.TransferTargets(holder)
	if len(targets) == 0 {
		t.Fatalf("step %s held by %v has nobody to transfer to (pool %v)", cur.Key, cur.Assignees, cur.Pool)
	}
	ok := chain.Action{Type: chain.ActTransfer, Actor: chain.SystemActor, OnBehalfOf: holder,
		Revision: st.Revision, Target: targets[0], Comment: "transferred by the system because the holder left: 离职"}
	if err := st.Validate(ok, now); err != nil {
		t.Fatalf("system transfer refused: %v", err)
	}
	refused := map[string]func(a *chain.Action){
		"approve":          func(a *chain.Action) { a.Type, a.Target = chain.ActApprove, "" },
		"no holder named":  func(a *chain.Action) { a.OnBehalfOf = "" },
		"no reason":        func(a *chain.Action) { a.Comment = "  " },
		"to a non-holder":  func(a *chain.Action) { a.Target = "zhang.wei" },
		"for a non-holder": func(a *chain.Action) { a.OnBehalfOf = "zhang.wei" },
	}
	for name, change := range refused {
		a := ok
		change(&a)
		if err := st.Validate(a, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	o := st.Clone().Apply(ok, now)
	if len(o.Seals) == 1 && o.Seals[0].Target != targets[0] {
		t.Errorf("transferred to %s, want %s", o.Seals[0].Target, targets[0])
	}
	if len(o.Seals) != 1 || o.Seals[0].Actor != chain.SystemActor || o.Seals[0].OnBehalfOf != holder ||
		o.Seals[0].Decision != chain.DecTransferred || !strings.Contains(o.Seals[0].Comment, "left") {
		t.Errorf("seals %+v", o.Seals)
	}
}
