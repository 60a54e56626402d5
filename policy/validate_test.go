package policy

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func money(s string) *Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return &m
}

// userIndex returns the index of a demo user, failing the test if there is none.
func userIndex(t *testing.T, d *Document, id string) int {
	t.Helper()
	for i, u := range d.Users {
		if u.ID == id {
			return i
		}
	}
	t.Fatalf("no user %q", id)
	return -1
}

func departmentIndex(t *testing.T, d *Document, id string) int {
	t.Helper()
	for i, dep := range d.Departments {
		if dep.ID == id {
			return i
		}
	}
	t.Fatalf("no department %q", id)
	return -1
}

func authorityIndex(t *testing.T, d *Document, category string) int {
	t.Helper()
	for i, a := range d.Authority {
		if a.Category == category {
			return i
		}
	}
	t.Fatalf("no authority for %q", category)
	return -1
}

// editExpense changes the expense chain of d. The map holds chains by value, so the chain is
// copied, changed and written back; its steps are copied so no other document shares them.
func editExpense(d *Document, change func(c *Chain)) {
	c := d.Chains[KindExpense]
	c.Steps = append([]StepTemplate(nil), c.Steps...)
	change(&c)
	d.Chains[KindExpense] = c
}

func stepIndex(t *testing.T, c *Chain, key string) int {
	t.Helper()
	for i, st := range c.Steps {
		if st.Key == key {
			return i
		}
	}
	t.Fatalf("no step %q", key)
	return -1
}

func TestValidateRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, d *Document)
		want   string
	}{
		{"empty currency", func(t *testing.T, d *Document) { d.Currency = "" }, "currency is empty"},
		{"bad currency", func(t *testing.T, d *Document) { d.Currency = "rmb" }, `currency "rmb" is not an ISO 4217 code`},
		{"empty name", func(t *testing.T, d *Document) { d.Name = " " }, "name is empty"},
		{"duplicate role", func(t *testing.T, d *Document) {
			d.Roles = append(d.Roles, RoleDef{ID: RoleCashier, Label: "出纳2"})
		}, `role "cashier" is declared twice`},
		{"duplicate department", func(t *testing.T, d *Document) {
			d.Departments = append(d.Departments, d.Departments[departmentIndex(t, d, "sales")])
		}, `department "sales" is declared twice`},
		{"duplicate user", func(t *testing.T, d *Document) {
			d.Users = append(d.Users, d.Users[userIndex(t, d, "li.na")])
		}, `user "li.na" is declared twice`},
		{"duplicate category", func(t *testing.T, d *Document) {
			d.Categories = append(d.Categories, Category{ID: "travel", Name: "差旅"})
		}, `category "travel" is declared twice`},
		{"duplicate budget line", func(t *testing.T, d *Document) {
			d.BudgetLines = append(d.BudgetLines, d.BudgetLines[0])
		}, `budget line "2026-sales-travel" is declared twice`},
		{"duplicate step key", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "payment")].Key = "review" })
		}, `chain expense: step "review": key is used twice`},
		{"over-budget step key clashes with a step", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) {
				st := *c.OverBudgetStep
				st.Key = "witness"
				c.OverBudgetStep = &st
			})
		}, `chain expense: over_budget_step "witness": key is used twice`},
		{"step key with a dot", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "review")].Key = "review.one" })
		}, `step "review.one": the key must not contain '.'`},
		{"unknown user department", func(t *testing.T, d *Document) {
			d.Users[userIndex(t, d, "zhang.wei")].Department = "marketing"
		}, `user "zhang.wei": department "marketing" is not a department`},
		{"user role outside the catalogue", func(t *testing.T, d *Document) {
			u := &d.Users[userIndex(t, d, "zhang.wei")]
			u.Roles = append(u.Roles, "boss")
		}, `user "zhang.wei": role "boss" is not in roles`},
		{"user role twice", func(t *testing.T, d *Document) {
			u := &d.Users[userIndex(t, d, "zhang.wei")]
			u.Roles = append(u.Roles, RoleHandler)
		}, `user "zhang.wei": role "handler" is listed twice`},
		{"unknown superior", func(t *testing.T, d *Document) {
			d.Users[userIndex(t, d, "zhang.wei")].Superior = "nobody"
		}, `user "zhang.wei": superior "nobody" is not a user`},
		{"own superior", func(t *testing.T, d *Document) {
			d.Users[userIndex(t, d, "zhang.wei")].Superior = "zhang.wei"
		}, `user "zhang.wei" is their own superior`},
		{"superior cycle", func(t *testing.T, d *Document) {
			d.Users[userIndex(t, d, "wang.fang")].Superior = "chen.gang"
			d.Users[userIndex(t, d, "chen.gang")].Superior = "wang.fang"
		}, "superiors form a cycle: chen.gang → wang.fang → chen.gang"},
		{"unknown head", func(t *testing.T, d *Document) {
			d.Departments[departmentIndex(t, d, "sales")].Head = "ghost"
		}, `department "sales": head "ghost" is not a user`},
		{"no head", func(t *testing.T, d *Document) {
			d.Departments[departmentIndex(t, d, "sales")].Head = ""
		}, `department "sales" has no head`},
		{"unknown parent", func(t *testing.T, d *Document) {
			d.Departments[departmentIndex(t, d, "sales")].Parent = "hq"
		}, `department "sales": parent "hq" is not a department`},
		{"parent cycle", func(t *testing.T, d *Document) {
			d.Departments[departmentIndex(t, d, "general")].Parent = "sales"
		}, "departments form a cycle through their parents: general → sales → general"},
		{"own parent", func(t *testing.T, d *Document) {
			d.Departments[departmentIndex(t, d, "sales")].Parent = "sales"
		}, "departments form a cycle through their parents: sales → sales"},
		{"authority for an unknown category", func(t *testing.T, d *Document) {
			a := d.Authority[authorityIndex(t, d, "meals")]
			a.Category = "snacks"
			d.Authority = append(d.Authority, a)
		}, `authority for snacks: "snacks" is not a category`},
		{"authority declared twice", func(t *testing.T, d *Document) {
			d.Authority = append(d.Authority, d.Authority[authorityIndex(t, d, "meals")])
		}, "authority for meals is declared twice"},
		{"unknown level in a band", func(t *testing.T, d *Document) {
			d.Authority[authorityIndex(t, d, "*")].Bands[0].Levels = []string{"ceo"}
		}, `authority for *: band (0.00, 5,000.00]: level "ceo" is not in levels`},
		{"level twice in a band", func(t *testing.T, d *Document) {
			d.Authority[authorityIndex(t, d, "*")].Bands[0].Levels = []string{"department_head", "department_head"}
		}, `authority for *: band (0.00, 5,000.00]: level "department_head" is listed twice`},
		{"band without levels", func(t *testing.T, d *Document) {
			d.Authority[authorityIndex(t, d, "meals")].Bands[1].Levels = nil
		}, "authority for meals: band (2,000.00, 20,000.00] has no levels"},
		{"bad resolve", func(t *testing.T, d *Document) {
			d.Levels["finance_director"] = Level{Label: "财务总监", Resolve: "boss", Role: "finance_director"}
		}, `level "finance_director": resolve "boss" is not department_head or role`},
		{"level role unknown", func(t *testing.T, d *Document) {
			d.Levels["finance_director"] = Level{Label: "财务总监", Resolve: ResolveRole, Role: "cfo"}
		}, `level "finance_director": role "cfo" is not in roles`},
		{"level role missing", func(t *testing.T, d *Document) {
			d.Levels["finance_director"] = Level{Label: "财务总监", Resolve: ResolveRole}
		}, `level "finance_director": resolve is role but no role is given`},
		{"level role without holder", func(t *testing.T, d *Document) {
			d.Users[userIndex(t, d, "zhao.qiang")].Roles = []Role{RoleHandler, RoleApprover}
		}, `level "general_manager": nobody holds role "general_manager"`},
		{"department_head level with a role", func(t *testing.T, d *Document) {
			d.Levels["department_head"] = Level{Label: "部门负责人", Resolve: ResolveDepartmentHead, Role: RoleApprover}
		}, `level "department_head": role "approver" is only used with resolve: role`},
		{"bands not starting at zero", func(t *testing.T, d *Document) {
			d.Authority[authorityIndex(t, d, "*")].Bands[0].Above = *money("100")
		}, "authority for *: the first band starts above 100.00, not at 0"},
		{"gap between bands", func(t *testing.T, d *Document) {
			d.Authority[authorityIndex(t, d, "meals")].Bands[1].Above = *money("2500")
		}, "gap between 2,000.00 and 2,500.00 in authority for meals"},
		{"gap in a category's own authority", func(t *testing.T, d *Document) {
			d.Authority = append(d.Authority, Authority{Category: "travel", Bands: []Band{
				{Above: 0, UpTo: money("5000"), Levels: []string{"department_head"}},
				{Above: *money("6000"), Levels: []string{"department_head", "finance_director"}},
			}})
		}, "gap between 5,000.00 and 6,000.00 in authority for travel"},
		{"overlapping bands", func(t *testing.T, d *Document) {
			d.Authority[authorityIndex(t, d, "*")].Bands[1].Above = *money("4000")
		}, "overlap between (0.00, 5,000.00] and (4,000.00, 50,000.00] in authority for *"},
		{"band after the unbounded band", func(t *testing.T, d *Document) {
			a := &d.Authority[authorityIndex(t, d, "*")]
			a.Bands = append(a.Bands, Band{Above: *money("100000"), Levels: []string{"general_manager"}})
		}, "overlap between (50,000.00, +∞) and (100,000.00, +∞) in authority for *"},
		{"empty band", func(t *testing.T, d *Document) {
			d.Authority[authorityIndex(t, d, "*")].Bands[0].UpTo = money("0")
		}, "authority for *: band (0.00, 0.00] is empty"},
		{"bounded last band", func(t *testing.T, d *Document) {
			d.Authority[authorityIndex(t, d, "meals")].Bands[2].UpTo = money("1000000")
		}, "authority for meals: the last band ends at 1,000,000.00, so amounts above it have no approver"},
		{"authority without bands", func(t *testing.T, d *Document) {
			d.Authority[authorityIndex(t, d, "meals")].Bands = nil
		}, "authority for meals has no bands"},
		{"category not covered", func(t *testing.T, d *Document) {
			i := authorityIndex(t, d, "*")
			d.Authority = append(d.Authority[:i], d.Authority[i+1:]...)
		}, `category "training" has no authority entry and there is no "*" entry`},
		{"incompatible unknown role", func(t *testing.T, d *Document) {
			d.Incompatible = append(d.Incompatible, [2]Role{"auditor", RoleCashier})
		}, `incompatible pair (auditor, cashier): role "auditor" is not in roles`},
		{"incompatible same role", func(t *testing.T, d *Document) {
			d.Incompatible = append(d.Incompatible, [2]Role{RoleCashier, RoleCashier})
		}, "incompatible pair (cashier, cashier) names the same role twice"},
		{"incompatible pair twice", func(t *testing.T, d *Document) {
			d.Incompatible = append(d.Incompatible, [2]Role{RoleReviewer, RoleHandler})
		}, "incompatible pair (reviewer, handler) is listed twice"},
		{"step with unknown role", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "review")].Role = "auditor" })
		}, `chain expense: step "review": role "auditor" is not in roles`},
		{"step with bad mode", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "review")].Mode = "some_of" })
		}, `chain expense: step "review": mode "some_of" is not all_of, any_of or k_of_n`},
		{"step without mode", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "review")].Mode = "" })
		}, `chain expense: step "review": mode "" is not all_of, any_of or k_of_n`},
		{"k_of_n with k 0", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "review")].Mode = ModeKOfN })
		}, `chain expense: step "review": k_of_n needs k of at least 1, not 0`},
		{"k_of_n with more signers than holders", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) {
				c.Steps[stepIndex(t, c, "review")].Mode = ModeKOfN
				c.Steps[stepIndex(t, c, "review")].K = 3
			})
		}, `chain expense: step "review": needs 3 signers but only 2 people hold role "reviewer"`},
		{"k without k_of_n", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "review")].K = 1 })
		}, `chain expense: step "review": k is only used with mode k_of_n, not any_of`},
		{"bad assignee spec", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "review")].Assignee = "reviewer" })
		}, `chain expense: step "review": assignee "reviewer" is not department_head, department_heads, role:<role> or department_role:<role>`},
		{"empty role in assignee spec", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "review")].Assignee = "role:" })
		}, `chain expense: step "review": assignee "role:" is not department_head`},
		{"assignee spec names an unknown role", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "review")].Assignee = "role:auditor" })
		}, `chain expense: step "review": assignee "role:auditor" names role "auditor", which is not in roles`},
		{"assignee spec names a role nobody holds", func(t *testing.T, d *Document) {
			d.Users[userIndex(t, d, "wu.xia")].Roles = []Role{RoleHandler}
		}, `chain expense: step "payment": assignee "role:cashier": nobody holds role "cashier"`},
		{"department role nobody holds", func(t *testing.T, d *Document) {
			d.Roles = append(d.Roles, RoleDef{ID: "auditor", Label: "审计"})
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "witness")].Assignee = "department_role:auditor" })
		}, `chain expense: step "witness": assignee "department_role:auditor": nobody holds role "auditor"`},
		{"non-positive step SLA", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "payment")].SLA = 0 })
		}, `chain expense: step "payment": SLA 0s is not positive`},
		{"negative authority SLA", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "approval")].SLA = Duration(-time.Hour) })
		}, `chain expense: step "approval": SLA -1h is not positive`},
		{"non-positive chain SLA", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.SLA = 0 })
		}, "chain expense: SLA 0s is not positive"},
		{"negative reminder", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.ReminderBefore = Duration(-time.Hour) })
		}, "chain expense: reminder_before -1h is negative"},
		{"step for an unknown category", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "receiver")].Categories = []string{"snacks"} })
		}, `chain expense: step "receiver": category "snacks" is not a category`},
		{"chain without an authority step", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) {
				i := stepIndex(t, c, "approval")
				c.Steps = append(c.Steps[:i], c.Steps[i+1:]...)
			})
		}, "chain expense has no authority step"},
		{"two authority steps", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) {
				st := c.Steps[stepIndex(t, c, "approval")]
				st.Key = "approval2"
				c.Steps = append(c.Steps, st)
			})
		}, "chain expense has 2 authority steps; one is allowed"},
		{"authority step with an assignee", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "approval")].Assignee = "role:approver" })
		}, `chain expense: step "approval": an authority step takes its approvers from levels`},
		{"authority step for goods only", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "approval")].GoodsOnly = true })
		}, `chain expense: step "approval": the authority step must apply to every case`},
		{"authority step all_of", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "approval")].Mode = ModeAllOf })
		}, `chain expense: step "approval": authority levels are signed any_of; mode "all_of" is not supported`},
		{"chain without steps", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.Steps = nil })
		}, "chain expense has no steps"},
		{"bad over_budget", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.OverBudget = "warn" })
		}, `chain expense: over_budget "warn" is not refuse or route`},
		{"route without a step", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) { c.OverBudgetStep = nil })
		}, "chain expense: over_budget is route but there is no over_budget_step"},
		{"over-budget step with a bad assignee", func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) {
				st := *c.OverBudgetStep
				st.Assignee = "finance_director"
				c.OverBudgetStep = &st
			})
		}, `chain expense: over_budget_step "over_budget": assignee "finance_director" is not`},
		{"unknown timezone", func(t *testing.T, d *Document) { d.Calendar.Timezone = "China/Beijing" }, `calendar: unknown timezone "China/Beijing"`},
		{"bad work day", func(t *testing.T, d *Document) { d.Calendar.WorkDays = []string{"Mon"} }, `calendar: work day "Mon" is not one of`},
		{"overlapping work hours", func(t *testing.T, d *Document) {
			d.Calendar.WorkHours = []WorkPeriod{{Start: "09:00", End: "13:30"}, {Start: "13:00", End: "18:00"}}
		}, "calendar: work hours 09:00-13:30 and 13:00-18:00 overlap"},
		{"work hours ending before they start", func(t *testing.T, d *Document) {
			d.Calendar.WorkHours = []WorkPeriod{{Start: "18:00", End: "09:00"}}
		}, "calendar: work hours 18:00-09:00 end at or before they start"},
		{"bad holiday date", func(t *testing.T, d *Document) {
			d.Calendar.Holidays = append(d.Calendar.Holidays, "2026-02-30")
		}, `calendar: holiday "2026-02-30" is not a date`},
		{"budget line of an unknown department", func(t *testing.T, d *Document) {
			d.BudgetLines[0].Department = "marketing"
		}, `budget line "2026-sales-travel": department "marketing" is not a department`},
		{"budget line with zero total", func(t *testing.T, d *Document) { d.BudgetLines[0].Total = 0 }, `budget line "2026-sales-travel": total 0.00 is not positive`},
		{"budget line with negative total", func(t *testing.T, d *Document) { d.BudgetLines[0].Total = -100 }, `budget line "2026-sales-travel": total -1.00 is not positive`},
		{"budget line without year", func(t *testing.T, d *Document) { d.BudgetLines[0].Year = 0 }, `budget line "2026-sales-travel" has no year`},
		{"budget line of an unknown category", func(t *testing.T, d *Document) { d.BudgetLines[0].Category = "snacks" }, `budget line "2026-sales-travel": category "snacks" is not a category`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Demo()
			tt.change(t, d)
			assertProblem(t, d.Validate(), tt.want)
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	d := Demo()
	d.Currency = ""
	d.Users[userIndex(t, d, "li.na")].Department = "marketing"
	d.Users[userIndex(t, d, "xu.jing")].Department = "design"
	d.Authority[authorityIndex(t, d, "*")].Bands[1].Above = *money("6000")
	err := d.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate() = %v, want a *ValidationError", err)
	}
	want := []string{
		"currency is empty",
		`user "li.na": department "marketing" is not a department`,
		`user "xu.jing": department "design" is not a department`,
		"gap between 5,000.00 and 6,000.00 in authority for *",
	}
	if strings.Join(ve.Problems, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(ve.Problems, "\n  "), strings.Join(want, "\n  "))
	}
	if !strings.HasPrefix(err.Error(), "invalid policy (4 problems): currency is empty; user") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestValidateIsDeterministic(t *testing.T) {
	first := ""
	for range 20 {
		d := Demo()
		d.Levels["finance_director"] = Level{Resolve: "x"}
		d.Levels["general_manager"] = Level{Resolve: "y"}
		d.Chains["procurement"] = Chain{}
		got := d.Validate().Error()
		if first == "" {
			first = got
		} else if got != first {
			t.Fatalf("Validate() changed between runs:\n%s\n%s", first, got)
		}
	}
}
