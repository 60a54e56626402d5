package policy

import "testing"

// demoPairs are the incompatible pairs demo.yaml must declare.
var demoPairs = [][2]Role{
	{RoleHandler, RoleReviewer},
	{RoleHandler, RoleApprover},
	{RoleReviewer, RoleApprover},
	{RoleReceiver, RoleHandler},
	{RoleHandler, RoleWitness},
	{RoleReviewer, RoleCashier},
	{RoleApprover, RoleCashier},
	{RoleHandler, RoleCountersigner},
	{RoleHandler, RoleKeeper},
	{RoleHandler, RoleAccountant},
	{RoleKeeper, RoleAccountant},
}

func TestRolesIncompatible(t *testing.T) {
	d := Demo()
	chainRoles := []Role{RoleHandler, RoleWitness, RoleReceiver, RoleReviewer, RoleApprover, RoleCashier}
	want := map[[2]Role]bool{}
	for _, p := range demoPairs {
		want[p] = true
		want[[2]Role{p[1], p[0]}] = true
	}
	for _, a := range chainRoles {
		for _, b := range chainRoles {
			if got := d.RolesIncompatible(a, b); got != want[[2]Role{a, b}] {
				t.Errorf("RolesIncompatible(%s, %s) = %v, want %v", a, b, got, !got)
			}
		}
	}
}

func TestConflictForEveryDemoPair(t *testing.T) {
	d := Demo()
	for _, p := range demoPairs {
		for _, dir := range [][2]Role{p, {p[1], p[0]}} {
			held := map[Role][]string{dir[0]: {"someone", "x"}}
			got, ok := d.ConflictFor(held, "x", dir[1])
			if !ok || got != dir[0] {
				t.Errorf("x holds %s, takes %s: ConflictFor = %q, %v; want %q, true", dir[0], dir[1], got, ok, dir[0])
			}
			if got, ok := d.ConflictFor(held, "y", dir[1]); ok {
				t.Errorf("y holds nothing, takes %s: ConflictFor = %q, true", dir[1], got)
			}
		}
	}
}

func TestConflictFor(t *testing.T) {
	d := Demo()
	tests := []struct {
		name     string
		held     map[Role][]string
		user     string
		role     Role
		want     Role
		conflict bool
	}{
		{"compatible roles", map[Role][]string{RoleWitness: {"x"}}, "x", RoleReviewer, "", false},
		{"the same role again", map[Role][]string{RoleApprover: {"x"}}, "x", RoleApprover, "", false},
		{"nothing held", nil, "x", RoleApprover, "", false},
		{"first conflict in catalogue order", map[Role][]string{RoleReviewer: {"x"}, RoleHandler: {"x"}, RoleCashier: {"x"}}, "x", RoleApprover, RoleHandler, true},
		{"catalogue order, not map order", map[Role][]string{RoleCashier: {"x"}, RoleReviewer: {"x"}}, "x", RoleApprover, RoleReviewer, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 { // map order varies between runs; the answer must not
				got, ok := d.ConflictFor(tt.held, tt.user, tt.role)
				if got != tt.want || ok != tt.conflict {
					t.Fatalf("ConflictFor = %q, %v; want %q, %v", got, ok, tt.want, tt.conflict)
				}
			}
		})
	}
}

// The chain package checks actions against a document holding only the pairs.
func TestConflictForWithoutCatalogue(t *testing.T) {
	d := Document{Incompatible: [][2]Role{{RoleHandler, RoleApprover}, {RoleCashier, RoleApprover}}}
	held := map[Role][]string{RoleHandler: {"x"}, RoleCashier: {"x"}}
	for range 20 {
		if got, ok := d.ConflictFor(held, "x", RoleApprover); !ok || got != RoleCashier {
			t.Fatalf("ConflictFor = %q, %v; want cashier (by name), true", got, ok)
		}
	}
}
