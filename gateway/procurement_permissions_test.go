package gateway

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"signoff/config"
	"signoff/policy"
	"signoff/service"
)

// TestOrderAndSupplierPermissionsArePolicyData: who receives, registers invoices, settles
// returns, lists every order and keeps suppliers is the policy's, not a role named in code. A
// policy that moves receiving and supplier keeping to the accountants and withdraws invoices
// and returns from everyone is obeyed by both doors and by the service itself: the keeper and
// the buyer are refused (403 capability_required naming the capability) and lose the forms,
// the accountant gets them.
func TestOrderAndSupplierPermissionsArePolicyData(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedProcurement()
	_, order := orderedPurchase(h)

	d := policy.Demo()
	d.Grants = map[policy.Capability]policy.Grant{
		policy.CapOrdersSeeAll:         {Roles: []policy.Role{policy.RoleKeeper, policy.RoleAccountant}},
		policy.CapOrdersReceive:        {Roles: []policy.Role{policy.RoleAccountant}},
		policy.CapOrdersInvoice:        {},
		policy.CapOrdersResolveReturns: {},
		policy.CapSuppliersEdit:        {Roles: []policy.Role{policy.RoleAccountant}},
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, _, err := h.stack.Store.LoadPolicy(ctx, d, []byte("# receiving and suppliers moved to the accountants\n")); err != nil {
		t.Fatal(err)
	}
	refused := func(r reply, c policy.Capability) {
		t.Helper()
		h.must(r, http.StatusForbidden, service.CodeCapabilityRequired)
		if got := r.details()["capability"]; got != string(c) {
			t.Errorf("refused for %v, want %s", got, c)
		}
	}

	// The keeper still lists and sees the order, but neither receives nor invoices.
	keeper := h.browser()
	keeper.signIn("he.ping")
	if p := keeper.get("/orders"); p.Status != http.StatusOK {
		t.Errorf("the keeper's order list: %d", p.Status)
	}
	op := keeper.get("/orders/" + order)
	if op.Status != http.StatusOK || byID(op.Doc, "receive-form") != nil || byID(op.Doc, "invoice-form") != nil {
		t.Errorf("the keeper's order page: %d, receiving form %v, invoice form %v", op.Status,
			byID(op.Doc, "receive-form") != nil, byID(op.Doc, "invoice-form") != nil)
	}
	delivery := map[string]any{"note_no": "SH-1", "lines": []any{map[string]any{"line_no": 1, "quantity": "1",
		"note_quantity": "1", "spec": "x", "unit_price": "1.00", "supplier_id": "SUP-HUAXIN", "manufacturer": "m", "batch": "b"}}}
	refused(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/deliveries", User: "he.ping", Body: delivery}), policy.CapOrdersReceive)

	// The buyer no longer lists orders, invoices, settles returns nor keeps suppliers.
	refused(h.do(call{Method: http.MethodGet, Path: "/api/v1/orders", User: theBuyer}), policy.CapOrdersSeeAll)
	refused(h.do(call{Method: http.MethodPost, Path: "/api/v1/orders/" + order + "/invoice", User: theBuyer,
		Body: map[string]any{"invoice_no": "FP-1", "invoiced_on": time.Now().Format(time.DateOnly),
			"lines": []any{map[string]any{"line_no": 1, "quantity": "1", "amount": "1.00"}}}}), policy.CapOrdersInvoice)
	refused(h.do(call{Method: http.MethodPost, Path: "/api/v1/return-tasks/1/resolve", User: theBuyer,
		Body: map[string]any{"resolution": "returned"}}), policy.CapOrdersResolveReturns)
	refused(h.do(call{Method: http.MethodPost, Path: "/api/v1/suppliers", User: theBuyer, Body: supplierBody("SUP-NEW", "新供应商")}), policy.CapSuppliersEdit)
	buyer := h.browser()
	buyer.signIn(theBuyer)
	if p := buyer.get("/suppliers"); byID(p.Doc, "supplier-new") != nil {
		t.Error("the buyer is still offered to create a supplier")
	}
	if p := buyer.get("/suppliers/SUP-HUAXIN"); byID(p.Doc, "edit") != nil || byID(p.Doc, "certificate-new") != nil {
		t.Error("the buyer still has the supplier's forms")
	}

	// The service refuses as much, whichever door asks.
	svc, err := service.New(service.Deps{Store: h.stack.Store, Policies: h.stack.Policies, Temporal: h.stack.Client,
		SigningKeys: h.stack.SigningKeys, TemporalConfig: config.TemporalConfig{TaskQueue: h.stack.TaskQueue}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"receive": func() error {
			_, err := svc.Receive(ctx, mustUser(t, h, "he.ping"), order, service.DeliveryInput{NoteNo: "SH-1"}, "")
			return err
		},
		"create a supplier": func() error {
			_, err := svc.CreateSupplier(ctx, mustUser(t, h, theBuyer), service.SupplierInput{ID: "SUP-NEW"})
			return err
		},
	} {
		var e *service.Error
		if err := call(); !errors.As(err, &e) || e.Code != service.CodeCapabilityRequired {
			t.Errorf("the service lets %s through: %v", name, err)
		}
	}

	// The accountant receives and keeps suppliers.
	acct := h.browser()
	acct.signIn("sun.min")
	if p := acct.get("/orders/" + order); byID(p.Doc, "receive-form") == nil || byID(p.Doc, "invoice-form") != nil {
		t.Errorf("the accountant's order page: receiving form %v, invoice form %v",
			byID(p.Doc, "receive-form") != nil, byID(p.Doc, "invoice-form") != nil)
	}
	if p := acct.get("/suppliers"); byID(p.Doc, "supplier-new") == nil {
		t.Error("the accountant is not offered to create a supplier")
	}
	r := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/suppliers", User: "sun.min", Body: supplierBody("SUP-NEW", "新供应商")}), http.StatusCreated, "")
	if a := r.Body["audit"].([]any); len(a) != 1 || !strings.Contains(string(r.Raw), "孙敏") {
		t.Errorf("created by the accountant: %s", r.Raw)
	}
}
