package policy

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestDemoIsValid(t *testing.T) {
	if _, err := Load(DemoYAML); err != nil {
		t.Fatal(err)
	}
	a, b := Demo(), Demo()
	a.Users[0].Name = "changed"
	if b.Users[0].Name == "changed" {
		t.Error("Demo() returns shared documents")
	}
}

func TestDemoOrganisation(t *testing.T) {
	d := Demo()
	if d.Name != "示例科技有限公司" || d.Currency != "CNY" {
		t.Errorf("name, currency = %q, %q", d.Name, d.Currency)
	}
	if n := len(d.Users); n < 20 || n > 26 {
		t.Errorf("%d users, want about 23", n)
	}
	for _, dept := range []string{"sales", "engineering"} {
		var staff int
		for _, u := range d.Users {
			if u.Department == dept && !slices.Contains(u.Roles, "department_head") {
				staff++
			}
		}
		if staff < 2 {
			t.Errorf("%s has %d staff, want at least 2", dept, staff)
		}
	}
	for _, c := range []struct {
		role Role
		min  int
	}{{RoleReviewer, 2}, {RoleCashier, 1}, {"finance_director", 1}, {"general_manager", 1}, {RoleReceiver, 1}, {"keeper", 1}} {
		if got := len(d.Holders(c.role)); got < c.min {
			t.Errorf("%d holders of %s, want at least %d", got, c.role, c.min)
		}
	}
	for _, u := range d.Users {
		if !strings.HasSuffix(u.Email, "@example.com") || !strings.Contains(u.ID, ".") {
			t.Errorf("user %s: email %q", u.ID, u.Email)
		}
	}
	goods := map[string]bool{"travel": false, "office": true, "meals": false, "equipment": true, "training": false}
	for id, want := range goods {
		if c, ok := d.Category(id); !ok || c.Goods != want {
			t.Errorf("category %s = %+v, %v; want goods %v", id, c, ok, want)
		}
	}
	if b, _ := d.BudgetLine("2026-eng-training"); b.Total != 1_000_000 {
		t.Errorf("small budget line total = %s, want 10,000.00", b.Total)
	}
	for _, p := range demoPairs {
		if !slices.Contains(d.Incompatible, p) {
			t.Errorf("demo lacks incompatible pair %v", p)
		}
	}
	if len(d.Incompatible) != len(demoPairs) {
		t.Errorf("demo has %d incompatible pairs, want %d", len(d.Incompatible), len(demoPairs))
	}
}

// TestDemoPasswords: demo.yaml carries no password; Demo gives every user "signoff".
func TestDemoPasswords(t *testing.T) {
	if strings.Contains(string(DemoYAML), "password_hash") {
		t.Error("demo.yaml carries password hashes; passwords live in the database")
	}
	checked := map[string]error{} // bcrypt is slow on purpose; most users share one hash
	for _, u := range Demo().Users {
		err, ok := checked[u.PasswordHash]
		if !ok {
			err = bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte("signoff"))
			checked[u.PasswordHash] = err
		}
		if err != nil {
			t.Errorf("user %s: password is not signoff: %v", u.ID, err)
		}
		if cost, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil || cost != 10 {
			t.Errorf("user %s: bcrypt cost %d, %v; want 10", u.ID, cost, err)
		}
	}
}
