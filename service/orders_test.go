package service

import (
	"testing"

	"signoff/policy"
	"signoff/procure"
	"signoff/store"
)

// TestOrderPermissionsComeFromThePolicy: what a reader may do to an order is the policy's
// capabilities (by default a keeper receives, a buyer receives, invoices and settles returns,
// an accountant invoices), limited by what the order takes now; a policy that withdraws a
// capability, or grants it to another role, changes the answer with no code naming a role.
func TestOrderPermissionsComeFromThePolicy(t *testing.T) {
	demo := policy.Demo()
	moved := policy.Demo()
	moved.Grants = map[policy.Capability]policy.Grant{
		policy.CapOrdersReceive:        {Roles: []policy.Role{policy.RoleAccountant}},
		policy.CapOrdersInvoice:        {},
		policy.CapOrdersResolveReturns: {Roles: []policy.Role{policy.RoleKeeper}},
	}
	if err := moved.Validate(); err != nil {
		t.Fatal(err)
	}
	user := func(id string, roles ...string) store.User {
		return store.User{ID: id, Roles: append([]string{"staff"}, roles...)}
	}
	keeper, buyer, accountant, staff := user("he.ping", "keeper"), user("guo.hua", "buyer"), user("sun.min", "accountant"), user("huang.lei")
	ordered := procure.OrderState{OrderID: "PO-1", Status: procure.OrderOrdered}
	settling := procure.OrderState{OrderID: "PO-1", Status: procure.OrderSettling}
	tests := []struct {
		name  string
		doc   *policy.Document
		u     store.User
		state procure.OrderState
		want  OrderPermissions
	}{
		{"a keeper, by default", demo, keeper, ordered, OrderPermissions{Receive: true}},
		{"a buyer, by default", demo, buyer, ordered, OrderPermissions{Receive: true, Invoice: true, ResolveReturns: true}},
		{"an accountant, by default", demo, accountant, ordered, OrderPermissions{Invoice: true}},
		{"a requester", demo, staff, ordered, OrderPermissions{}},
		{"a buyer, once the payment is open", demo, buyer, settling, OrderPermissions{ResolveReturns: true}},
		{"a keeper, receiving withdrawn", moved, keeper, ordered, OrderPermissions{ResolveReturns: true}},
		{"an accountant, granted receiving", moved, accountant, ordered, OrderPermissions{Receive: true}},
		{"a buyer, invoices withdrawn from everyone", moved, buyer, ordered, OrderPermissions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Grants{doc: tt.doc, subject: Subject(tt.u, nil)}
			if got := orderPermissions(g, tt.state); got != tt.want {
				t.Errorf("orderPermissions = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestStoredProblem: whole numbers a problem's arguments came back as (JSON numbers decode as
// float64) are integers again; anything else is kept.
func TestStoredProblem(t *testing.T) {
	p := storedProblem(procure.Problem{Key: "k", Args: []any{float64(3), 2.5, "x"}})
	if p.Args[0] != int64(3) || p.Args[1] != 2.5 || p.Args[2] != "x" {
		t.Errorf("args = %#v", p.Args)
	}
}
