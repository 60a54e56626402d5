package workflows_test

import (
	"slices"
	"testing"

	"go.temporal.io/sdk/testsuite"

	"signoff/activities"
	"signoff/chain"
	"signoff/workflows"
)

// TestUnroutableCaseIsClosedAndReleased: the general manager's own claim has nobody to approve
// it under the demo policy. The case must not linger as submitted with its budget held: the
// system rejects it with the reason, and the waiting submission gets a typed no_route error.
func TestUnroutableCaseIsClosedAndReleased(t *testing.T) {
	h := newHarness(t, wed, claim{"zhao.qiang", "general", "travel", "2026-sales-travel", 120000})
	var submitErr error
	answered := false
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(workflows.UpdateSubmit, "submit", &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { submitErr, answered = err, true },
			OnComplete: func(_ interface{}, err error) { submitErr, answered = err, true },
		})
	}, 0)
	h.run(chain.StatusRejected)
	if !answered || codeOf(submitErr) != activities.ErrTypeNoRoute {
		t.Errorf("submission answered=%v with %v, want %s", answered, submitErr, activities.ErrTypeNoRoute)
	}
	if got, want := decisions(h.seals()), []string{"submitted:zhao.qiang", "rejected:system"}; !slices.Equal(got, want) {
		t.Errorf("ledger %v, want %v", got, want)
	}
	c := h.storedCase()
	if c.Status != "rejected" || c.ClosedAt == nil || len(c.Assignees) != 0 {
		t.Errorf("case %s closed=%v assignees=%v", c.Status, c.ClosedAt, c.Assignees)
	}
	if b := h.budget("2026-sales-travel"); b.Reserved != 0 {
		t.Errorf("reservation not released: %d", b.Reserved)
	}
}
