package gateway

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"signoff/actionsig"
	"signoff/chain"
	prb "signoff/problem"
	"signoff/testkit"
	"signoff/workflows"
)

// direct is a client that reaches the Temporal frontend without the gateway: it sends an
// action's Update itself, with whatever proof it has.
type direct struct {
	t *testing.T
	c client.Client
}

// send sends action as Update update of workflow id under updateID with proof (none when nil)
// and returns the refusal's type, "" when the Update was accepted.
func (d direct) send(id, update, updateID string, action any, proof *actionsig.Proof) string {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := []any{action}
	if proof != nil {
		args = append(args, *proof)
	}
	h, err := d.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateID: updateID, UpdateName: update,
		Args: args, WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	var app *temporal.ApplicationError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &app):
		return app.Type()
	}
	d.t.Fatalf("update %s of %s: %v", update, id, err)
	return ""
}

// sign makes the proof of action as Update update of id under updateID, with keys, at at.
func sign(t *testing.T, keys *actionsig.Keyring, id, update, updateID string, action any, at time.Time) *actionsig.Proof {
	t.Helper()
	s, ok := workflows.ActionSubject(id, updateID, update, action)
	if !ok {
		t.Fatalf("%T is not an action", action)
	}
	p, err := keys.Sign(s, at)
	if err != nil {
		t.Fatal(err)
	}
	return &p
}

// caseRev reads a case's current revision.
func (h *harness) caseRev(id string) int {
	h.t.Helper()
	return h.must(get(h, "zhang.wei", "/api/v1/cases/"+id), http.StatusOK, "").num("revision")
}

// ledgerCount is how many seals the ledger holds for a case or a problem.
func (h *harness) ledgerCount(id string) int {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		h.t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	const q = `SELECT (SELECT count(*) FROM seals WHERE case_id = $1) + (SELECT count(*) FROM problem_seals WHERE problem_id = $1)`
	if err := conn.QueryRow(ctx, q, id).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// otherKeys is a keyring with the test key's ID and another secret: a forger who knows the
// shape of a proof but not the key.
func otherKeys(t *testing.T, id string) *actionsig.Keyring {
	t.Helper()
	k, err := actionsig.NewKeyring([]actionsig.Key{{ID: id, Secret: strings.Repeat("f", 40)}}, id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestForgedActionsAreRefused sends a witness's approval straight to Temporal with the SDK:
// unsigned, signed with the wrong key or an unknown one, signed for another case, another
// revision or another Update, and expired. The validator refuses each with its code and the
// ledger is unchanged; the same approval properly signed is then accepted once, and sent again
// is either answered with the first outcome (same Update ID) or refused as stale.
func TestForgedActionsAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := direct{t: t, c: h.stack.Client}
	keys := h.stack.SigningKeys
	id := h.submit("zhang.wei", claimBody("1234.50")).str("id")
	other := h.submit("zhang.wei", claimBody("88.00")).str("id")
	rev := h.caseRev(id)
	seals := h.ledgerCount(id)
	const update = "approve"
	approve := chain.Action{Type: chain.ActApprove, Actor: "li.na", Revision: rev, Comment: "属实"}
	now := time.Now()

	tests := []struct {
		name, updateID string
		proof          *actionsig.Proof
		want           string
	}{
		{"unsigned", "u-1", nil, actionsig.CodeUnsigned},
		{"zero proof", "u-2", &actionsig.Proof{}, actionsig.CodeUnsigned},
		{"wrong key", "u-3", sign(t, otherKeys(t, testkit.TestSigningKeyID), id, update, "u-3", approve, now), actionsig.CodeBadMAC},
		{"unknown key", "u-4", sign(t, otherKeys(t, "k-forged"), id, update, "u-4", approve, now), actionsig.CodeUnknownKey},
		{"for another case", "u-5", sign(t, keys, other, update, "u-5", approve, now), actionsig.CodeBadMAC},
		{"for another revision", "u-6", sign(t, keys, id, update, "u-6", chain.Action{Type: chain.ActApprove, Actor: "li.na", Revision: rev - 1, Comment: "属实"}, now), actionsig.CodeBadMAC},
		{"for another actor", "u-7", sign(t, keys, id, update, "u-7", chain.Action{Type: chain.ActApprove, Actor: "sun.min", Revision: rev, Comment: "属实"}, now), actionsig.CodeBadMAC},
		{"for another action", "u-8", sign(t, keys, id, "reject", "u-8", approve, now), actionsig.CodeBadMAC},
		{"for another Update ID", "u-9", sign(t, keys, id, update, "u-other", approve, now), actionsig.CodeBadMAC},
		{"expired", "u-10", sign(t, keys, id, update, "u-10", approve, now.Add(-actionsig.Window-time.Minute)), actionsig.CodeExpired},
	}
	for _, tt := range tests {
		if got := d.send(id, update, tt.updateID, approve, tt.proof); got != tt.want {
			t.Errorf("%s: refused as %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := h.ledgerCount(id); got != seals || h.caseRev(id) != rev {
		t.Fatalf("refused actions wrote to the ledger: %d seals (was %d), revision %d (was %d)", got, seals, h.caseRev(id), rev)
	}

	// The same approval, signed with the shared key: the shape above was right.
	good := sign(t, keys, id, update, "u-good", approve, time.Now())
	if got := d.send(id, update, "u-good", approve, good); got != "" {
		t.Fatalf("a properly signed action was refused: %s", got)
	}
	if got := h.ledgerCount(id); got != seals+1 {
		t.Fatalf("after the signed approval: %d seals, want %d", got, seals+1)
	}
	// Replayed as captured: the same Update ID is answered with its first outcome, nothing new.
	if got := d.send(id, update, "u-good", approve, good); got != "" {
		t.Fatalf("the replayed Update: %s", got)
	}
	// Signed afresh under another Update ID, it is refused by the revision it was taken at.
	if got := d.send(id, update, "u-again", approve, sign(t, keys, id, update, "u-again", approve, time.Now())); got != string(chain.CodeStaleRevision) {
		t.Errorf("the approval sent again: %q, want %q", got, chain.CodeStaleRevision)
	}
	if got := h.ledgerCount(id); got != seals+1 {
		t.Fatalf("the replays wrote to the ledger: %d seals, want %d", got, seals+1)
	}
}

// TestForgedProblemActionsAreRefused: a problem's actions are signed too.
func TestForgedProblemActionsAreRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := direct{t: t, c: h.stack.Client}
	h.seedRegistry()
	body := map[string]any{"title": "扭矩超差", "description": "第三批扭矩超差", "model": "XH-7", "batch": "B2026-11",
		"bom_node": "1.2.3", "line": "总装一线", "severity": "normal"}
	id := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/problems", User: "zhang.wei", Body: body}), http.StatusCreated, "").str("id")
	rev, seals := h.rev(id), h.ledgerCount(id)
	const update = "comment"
	post := prb.Action{Type: prb.ActComment, Actor: prb.Actor{ID: "liu.yang", Center: true}, Revision: rev, Comment: "收到"}

	if got := d.send(id, update, "p-1", post, nil); got != actionsig.CodeUnsigned {
		t.Errorf("unsigned: %q, want %q", got, actionsig.CodeUnsigned)
	}
	if got := d.send(id, update, "p-2", post, sign(t, otherKeys(t, testkit.TestSigningKeyID), id, update, "p-2", post, time.Now())); got != actionsig.CodeBadMAC {
		t.Errorf("wrong key: %q, want %q", got, actionsig.CodeBadMAC)
	}
	if got := h.ledgerCount(id); got != seals {
		t.Fatalf("refused actions wrote to the ledger: %d seals, was %d", got, seals)
	}
	if got := d.send(id, update, "p-3", post, sign(t, h.stack.SigningKeys, id, update, "p-3", post, time.Now())); got != "" {
		t.Fatalf("a properly signed post was refused: %s", got)
	}
	if got := h.ledgerCount(id); got != seals+1 {
		t.Errorf("after the signed post: %d seals, want %d", got, seals+1)
	}
}

// TestActionKeyRotation: while workers list the previous key beside the new current one, an
// action the gateway signs with the previous key is accepted; once they drop it, it is refused.
func TestActionKeyRotation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	d := direct{t: t, c: h.stack.Client}
	id := h.submit("zhang.wei", claimBody("420.00")).str("id")
	next := actionsig.Key{ID: "test-2", Secret: strings.Repeat("n", 40)}
	ring := func(keys ...actionsig.Key) *actionsig.Keyring {
		k, err := actionsig.NewKeyring(keys, next.ID)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	restart := func(keys *actionsig.Keyring) {
		h.stack.Worker.Stop()
		h.stack.Worker = h.stack.StartWorkerVerifying(t, keys)
	}

	restart(ring(testkit.TestSigningKey(), next))
	// The gateway still signs with the previous key: its approval goes through.
	rev := h.caseRev(id)
	h.must(h.act("li.na", id, "approve", map[string]any{"revision": rev}), http.StatusOK, "")

	restart(ring(next))
	rev = h.caseRev(id)
	seals := h.ledgerCount(id)
	review := chain.Action{Type: chain.ActApprove, Actor: "sun.min", Revision: rev}
	old := sign(t, h.stack.SigningKeys, id, "approve", "r-1", review, time.Now())
	if got := d.send(id, "approve", "r-1", review, old); got != actionsig.CodeUnknownKey {
		t.Errorf("signed with the removed key: %q, want %q", got, actionsig.CodeUnknownKey)
	}
	if got := h.ledgerCount(id); got != seals {
		t.Fatalf("the refused action wrote to the ledger: %d seals, was %d", got, seals)
	}
	if got := d.send(id, "approve", "r-2", review, sign(t, ring(next), id, "approve", "r-2", review, time.Now())); got != "" {
		t.Errorf("signed with the new current key: refused as %q", got)
	}
}
