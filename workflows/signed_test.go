package workflows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"signoff/actionsig"
	"signoff/activities"
	"signoff/policy"
	"signoff/procure"
	"signoff/testkit"
	"signoff/workflows"
)

// TestOrderRefusesUnsignedReceiving: a purchase order's deliveries and invoices are human
// actions too. Sent straight to Temporal unsigned, or signed with a key the workers do not hold,
// they are refused before anything is registered; the same delivery signed is accepted.
func TestOrderRefusesUnsignedReceiving(t *testing.T) {
	s := testkit.NewStack(t, activities.Channels{PublicURL: "http://signoff.test"})
	o := issuedOrder(t, s.DB)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := s.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: o.ID, TaskQueue: s.TaskQueue,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE},
		workflows.PurchaseOrderWorkflow, workflows.OrderInput{State: o.State, Tolerance: policy.Demo().Procurement.Tolerance,
			Submitter: "huang.lei", Department: "engineering", Amount: o.Amount})
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	delivery := workflows.DeliverRequest{Actor: "he.ping", Day: today, DeliveredOn: today, NoteNo: "SH-1",
		Lines: []procure.DeliveryLine{{LineNo: 1, Quantity: 1, NoteQuantity: 1, Spec: "14寸", UnitPrice: 800_000,
			SupplierID: "SUP-HUAXIN", Manufacturer: "华信电子", Batch: "B-SH-1"}},
		Rules: policy.Demo().Procurement}
	invoice := workflows.InvoiceRequest{Actor: "sun.min", InvoiceNo: "FP-1", InvoicedOn: today,
		Lines: []procure.InvoiceLine{{LineNo: 1, Quantity: 1, Amount: 800_000}}}
	forger, err := actionsig.NewKeyring([]actionsig.Key{{ID: testkit.TestSigningKeyID, Secret: strings.Repeat("f", 40)}}, testkit.TestSigningKeyID)
	if err != nil {
		t.Fatal(err)
	}
	send := func(name, updateID string, arg any, proof *actionsig.Proof) string {
		t.Helper()
		args := []any{arg}
		if proof != nil {
			args = append(args, *proof)
		}
		h, err := s.Client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: o.ID, UpdateID: updateID, UpdateName: name,
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
		t.Fatalf("%s: %v", name, err)
		return ""
	}
	forged := func(name, updateID string, arg any) *actionsig.Proof {
		subject, _ := workflows.ActionSubject(o.ID, updateID, name, arg)
		p, err := forger.Sign(subject, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return &p
	}

	for _, tt := range []struct {
		name, updateID string
		arg            any
		proof          *actionsig.Proof
		want           string
	}{
		{workflows.UpdateDeliver, "d-1", delivery, nil, actionsig.CodeUnsigned},
		{workflows.UpdateDeliver, "d-2", delivery, forged(workflows.UpdateDeliver, "d-2", delivery), actionsig.CodeBadMAC},
		{workflows.UpdateInvoice, "i-1", invoice, nil, actionsig.CodeUnsigned},
		{workflows.UpdateInvoice, "i-2", invoice, forged(workflows.UpdateInvoice, "i-2", invoice), actionsig.CodeBadMAC},
	} {
		if got := send(tt.name, tt.updateID, tt.arg, tt.proof); got != tt.want {
			t.Errorf("%s %s: refused as %q, want %q", tt.name, tt.updateID, got, tt.want)
		}
	}
	registered := func() procure.OrderState {
		t.Helper()
		st, err := s.Store.Order(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st.State
	}
	if st := registered(); st.Deliveries != 0 || st.InvoiceNo != "" {
		t.Fatalf("refused actions registered something: %+v", st)
	}

	opts, err := testkit.SignedUpdate(o.ID, workflows.UpdateDeliver, delivery)
	if err != nil {
		t.Fatal(err)
	}
	proof := opts.Args[1].(actionsig.Proof)
	if got := send(workflows.UpdateDeliver, opts.UpdateID, delivery, &proof); got != "" {
		t.Fatalf("the signed delivery was refused: %s", got)
	}
	if st := registered(); st.Deliveries != 1 {
		t.Fatalf("the signed delivery is not registered: %+v", st)
	}
}
