package policy

import (
	"slices"
	"testing"
)

func TestLookups(t *testing.T) {
	d := Demo()
	if u, ok := d.User("li.na"); !ok || u.Name != "李娜" || u.Department != "sales" {
		t.Errorf("User(li.na) = %+v, %v", u, ok)
	}
	if _, ok := d.User("nobody"); ok {
		t.Error("User(nobody) found")
	}
	if dep, ok := d.Department("finance"); !ok || dep.Head != "qian.li" || dep.Parent != "general" {
		t.Errorf("Department(finance) = %+v, %v", dep, ok)
	}
	if _, ok := d.Department("nowhere"); ok {
		t.Error("Department(nowhere) found")
	}
	if c, ok := d.Category("office"); !ok || !c.Goods || c.Name != "办公用品" {
		t.Errorf("Category(office) = %+v, %v", c, ok)
	}
	if _, ok := d.Category("*"); ok {
		t.Error(`Category("*") found`)
	}
	if b, ok := d.BudgetLine("2026-eng-training"); !ok || b.Total != 1_000_000 || b.Department != "engineering" {
		t.Errorf("BudgetLine(2026-eng-training) = %+v, %v", b, ok)
	}
	if _, ok := d.BudgetLine("2025-eng-training"); ok {
		t.Error("BudgetLine(2025-eng-training) found")
	}
	if got := d.RoleLabel(RoleReviewer); got != "审核人" {
		t.Errorf("RoleLabel(reviewer) = %q", got)
	}
	if got := d.RoleLabel("auditor"); got != "auditor" {
		t.Errorf("RoleLabel(auditor) = %q", got)
	}
}

func TestHolders(t *testing.T) {
	d := Demo()
	tests := []struct {
		dept string // "" for Holders
		role Role
		want []string
	}{
		{"", RoleReviewer, []string{"sun.min", "zhou.jie"}},
		{"", RoleCashier, []string{"wu.xia"}},
		{"", "finance_director", []string{"qian.li"}},
		{"", RoleApprover, []string{"chen.gang", "guo.hua", "qian.li", "wang.fang", "zhao.qiang"}},
		{"", RoleWitness, []string{"cao.min", "fang.yuan", "guo.hua", "he.ping", "huang.lei", "li.na", "lin.feng", "liu.yang", "lu.qing", "ma.jun", "ma.lan", "tang.ning", "tian.yu", "wu.xia", "xu.jing", "zhao.qiang", "zheng.yu", "zhou.jie"}},
		{"", "auditor", nil},
		{"sales", RoleWitness, []string{"li.na", "liu.yang"}},
		{"engineering", RoleWitness, []string{"huang.lei", "xu.jing"}},
		{"finance", RoleWitness, []string{"wu.xia", "zhou.jie"}},
		{"sales", RoleReviewer, nil},
		{"general", RoleWitness, []string{"zhao.qiang", "zheng.yu"}},
	}
	for _, tt := range tests {
		var got []string
		if tt.dept == "" {
			got = d.Holders(tt.role)
		} else {
			got = d.DepartmentHolders(tt.dept, tt.role)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("holders of %s in %q = %v, want %v", tt.role, tt.dept, got, tt.want)
		}
	}
}

func TestSuperior(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *Document)
		user   string
		want   string
	}{
		{"staff: their department head", nil, "zhang.wei", "wang.fang"},
		{"finance staff: the finance director", nil, "sun.min", "qian.li"},
		{"department head: head of the parent department", nil, "wang.fang", "zhao.qiang"},
		{"finance director: the general manager", nil, "qian.li", "zhao.qiang"},
		{"top of the organisation: nobody", nil, "zhao.qiang", ""},
		{"unknown user: nobody", nil, "nobody", ""},
		{"explicit superior wins", func(d *Document) {
			for i := range d.Users {
				if d.Users[i].ID == "zhang.wei" {
					d.Users[i].Superior = "li.na"
				}
			}
		}, "zhang.wei", "li.na"},
		{"walks up past a parent the user heads", func(d *Document) {
			// wang.fang heads sales and a new sub-department of it; her superior is still the GM.
			d.Departments = append(d.Departments, Department{ID: "sales-north", Name: "北区销售", Head: "wang.fang", Parent: "sales"})
			for i := range d.Users {
				if d.Users[i].ID == "wang.fang" {
					d.Users[i].Department = "sales-north"
				}
			}
		}, "wang.fang", "zhao.qiang"},
		{"a headless department is skipped", func(d *Document) {
			for i := range d.Departments {
				if d.Departments[i].ID == "sales" {
					d.Departments[i].Head = ""
				}
			}
		}, "zhang.wei", "zhao.qiang"},
		{"a department cycle does not loop", func(d *Document) {
			for i := range d.Departments {
				if d.Departments[i].ID == "general" {
					d.Departments[i].Parent = "sales"
				}
			}
		}, "zhao.qiang", "wang.fang"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Demo()
			if tt.change != nil {
				tt.change(d)
			}
			if got := d.Superior(tt.user); got != tt.want {
				t.Errorf("Superior(%s) = %q, want %q", tt.user, got, tt.want)
			}
		})
	}
}
