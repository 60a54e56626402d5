package policy

import (
	"encoding/json"
	"errors"
	"reflect"
	"signoff/i18n"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	dh = "department_head"
	fd = "finance_director"
	gm = "general_manager"
)

// demoAssignees are who signs each step of a sales staff member's claim in the demo.
var demoAssignees = map[string][]string{
	"witness":                   {"li.na", "liu.yang"},
	"receiver":                  {"he.ping"},
	"review":                    {"sun.min", "zhou.jie"},
	"approval.department_head":  {"wang.fang"},
	"approval.finance_director": {"qian.li"},
	"approval.general_manager":  {"zhao.qiang"},
	"payment":                   {"wu.xia"},
	"over_budget":               {"qian.li"},
}

func stepKeys(r Route) []string {
	keys := make([]string, len(r.Steps))
	for i, st := range r.Steps {
		keys[i] = st.Key
	}
	return keys
}

func findStep(t *testing.T, r Route, key string) RouteStep {
	t.Helper()
	for _, st := range r.Steps {
		if st.Key == key {
			return st
		}
	}
	t.Fatalf("route has no step %q; steps: %v", key, stepKeys(r))
	return RouteStep{}
}

// TestRouteThresholds routes every demo category on both sides of every threshold of the demo
// policy. The expectations are written out, not read from the document.
func TestRouteThresholds(t *testing.T) {
	defaultBands := []struct {
		amount string
		levels []string
		above  string
		upTo   string // "" for unbounded
	}{
		{"0.01", []string{dh}, "0", "5000"},
		{"4999.99", []string{dh}, "0", "5000"},
		{"5000.00", []string{dh}, "0", "5000"},
		{"5000.01", []string{dh, fd}, "5000", "50000"},
		{"50000.00", []string{dh, fd}, "5000", "50000"},
		{"50000.01", []string{dh, fd, gm}, "50000", ""},
		{"999999999999.99", []string{dh, fd, gm}, "50000", ""},
	}
	mealsBands := []struct {
		amount string
		levels []string
		above  string
		upTo   string
	}{
		{"0.01", []string{dh}, "0", "2000"},
		{"2000.00", []string{dh}, "0", "2000"},
		{"2000.01", []string{dh, fd}, "2000", "20000"},
		{"5000.00", []string{dh, fd}, "2000", "20000"},
		{"5000.01", []string{dh, fd}, "2000", "20000"},
		{"20000.00", []string{dh, fd}, "2000", "20000"},
		{"20000.01", []string{dh, fd, gm}, "20000", ""},
		{"50000.01", []string{dh, fd, gm}, "20000", ""},
	}
	categories := []struct {
		id    string
		goods bool
		entry string
	}{
		{"travel", false, "*"},
		{"office", true, "*"},
		{"meals", false, "meals"},
		{"equipment", true, "*"},
		{"training", false, "*"},
	}
	d := Demo()
	for _, c := range categories {
		bands := defaultBands
		if c.id == "meals" {
			bands = mealsBands
		}
		for _, b := range bands {
			t.Run(c.id+"/"+b.amount, func(t *testing.T) {
				amount := *money(b.amount)
				r, err := d.Route(Facts{Kind: KindExpense, Category: c.id, Amount: amount, Submitter: "zhang.wei"})
				if err != nil {
					t.Fatal(err)
				}
				want := []string{"witness"}
				if c.goods {
					want = append(want, "receiver")
				}
				want = append(want, "review")
				for _, l := range b.levels {
					want = append(want, "approval."+l)
				}
				want = append(want, "payment")
				if got := stepKeys(r); !slices.Equal(got, want) {
					t.Fatalf("steps = %v, want %v", got, want)
				}
				if r.Band == nil || r.Band.Category != c.entry || !slices.Equal(r.Band.Levels, b.levels) ||
					r.Band.Above != *money(b.above) || (b.upTo == "") != (r.Band.UpTo == nil) ||
					(r.Band.UpTo != nil && *r.Band.UpTo != *money(b.upTo)) {
					t.Errorf("band = %+v, want %s (%s, %s] %v", r.Band, c.entry, b.above, b.upTo, b.levels)
				}
				if !strings.HasPrefix(r.Band.Explain(i18n.ZH), "金额 "+amount.String()+" 属于") {
					t.Errorf("band reason = %q", r.Band.Explain(i18n.ZH))
				}
				for _, st := range r.Steps {
					if !slices.Equal(st.Assignees, demoAssignees[st.Key]) {
						t.Errorf("step %s: assignees %v, want %v", st.Key, st.Assignees, demoAssignees[st.Key])
					}
					if st.Mode != ModeAnyOf || st.K != 0 || st.SLA.D() != 4*time.Hour || st.Explain(i18n.ZH) == "" || st.Label == "" {
						t.Errorf("step %s = %+v", st.Key, st)
					}
					for _, a := range st.Assignees {
						if !slices.Contains(st.Pool, a) {
							t.Errorf("step %s: assignee %s is not in the pool %v", st.Key, a, st.Pool)
						}
					}
					if strings.HasPrefix(st.Key, "approval.") {
						if st.Role != RoleApprover || !strings.HasPrefix(st.Explain(i18n.ZH), r.Band.Explain(i18n.ZH)+"；") {
							t.Errorf("step %s: role %s, reason %q", st.Key, st.Role, st.Explain(i18n.ZH))
						}
					}
				}
				if r.Kind != KindExpense || r.SLA.D() != 16*time.Hour || r.ReminderBefore.D() != 2*time.Hour {
					t.Errorf("kind, SLA, reminder = %s, %v, %v", r.Kind, r.SLA, r.ReminderBefore)
				}
			})
		}
	}
}

func TestRouteReasons(t *testing.T) {
	r, err := Demo().Route(Facts{Kind: KindExpense, Category: "office", Amount: *money("5000.01"), Submitter: "zhang.wei"})
	if err != nil {
		t.Fatal(err)
	}
	band := "金额 5,000.01 属于默认审批权限 (5,000.00, 50,000.00] 档，审批层级：部门负责人、财务总监"
	want := map[string]string{
		"witness":                   "销售部的证明人：李娜、刘洋，任一人签批即可",
		"receiver":                  "办公用品属于物品类，需验收；验收人：何平",
		"review":                    "审核人：孙敏、周杰，任一人签批即可",
		"approval.department_head":  band + "；销售部负责人王芳签批",
		"approval.finance_director": band + "；财务总监：钱丽",
		"payment":                   "出纳：吴霞",
	}
	if r.Band.Explain(i18n.ZH) != band {
		t.Errorf("band reason = %q, want %q", r.Band.Explain(i18n.ZH), band)
	}
	for key, reason := range want {
		if got := findStep(t, r, key).Explain(i18n.ZH); got != reason {
			t.Errorf("step %s: reason %q, want %q", key, got, reason)
		}
	}
	r, _ = Demo().Route(Facts{Kind: KindExpense, Category: "meals", Amount: *money("60000"), Submitter: "zhang.wei"})
	if want := "金额 60,000.00 属于业务招待费审批权限 (20,000.00, +∞) 档，审批层级：部门负责人、财务总监、总经理"; r.Band.Explain(i18n.ZH) != want {
		t.Errorf("meals band reason = %q, want %q", r.Band.Explain(i18n.ZH), want)
	}
}

// TestRouteReasonsInEnglish reads the same route in English: every phrase comes from both
// catalogues, and no word of the Chinese sentences is left in the English one but the names,
// which are the policy's data.
func TestRouteReasonsInEnglish(t *testing.T) {
	r, err := Demo().Route(Facts{Kind: KindExpense, Category: "office", Amount: *money("5000.01"), Submitter: "zhang.wei", OverBudget: true})
	if err != nil {
		t.Fatal(err)
	}
	whys := []Why{r.Band.Why}
	for _, st := range r.Steps {
		whys = append(whys, st.Why)
	}
	for _, w := range whys {
		for _, key := range w.Keys() {
			if !i18n.Has(i18n.ZH, key) || !i18n.Has(i18n.EN, key) {
				t.Errorf("%s is missing from a catalogue", key)
			}
		}
	}
	want := map[string]string{
		"witness":                  "证明人 of 销售部: 李娜, 刘洋, any one of them signs",
		"receiver":                 "办公用品 are goods, which must be received; 验收人: 何平",
		"approval.department_head": "the amount 5,000.01 falls in the default authority's band (5,000.00, 50,000.00], signed at the levels 部门负责人, 财务总监; 王芳 (head of 销售部) signs",
		"over_budget":              "the amount exceeds what is left of the budget line, so it needs over-budget approval; 财务总监: 钱丽",
	}
	for key, reason := range want {
		if got := findStep(t, r, key).Explain(i18n.EN); got != reason {
			t.Errorf("step %s: reason %q, want %q", key, got, reason)
		}
	}
	for _, st := range r.Steps {
		for _, zh := range []string{"签批", "属于", "；", "，", "、", "需"} {
			if en := st.Explain(i18n.EN); strings.Contains(en, zh) {
				t.Errorf("step %s in English %q still says %q", st.Key, en, zh)
			}
		}
	}
	// A route resolved before its reasons were phrases says its sentence as it was.
	old := RouteStep{Reason: "审核人：孙敏"}
	if old.Explain(i18n.EN) != "审核人：孙敏" {
		t.Errorf("an old step explains itself as %q", old.Explain(i18n.EN))
	}
}

func TestRouteOverBudget(t *testing.T) {
	facts := Facts{Kind: KindExpense, Category: "office", Amount: *money("12000"), Submitter: "zhang.wei", OverBudget: true}
	r, err := Demo().Route(facts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"witness", "receiver", "review", "over_budget", "approval.department_head", "approval.finance_director", "payment"}
	if got := stepKeys(r); !slices.Equal(got, want) {
		t.Fatalf("steps = %v, want %v", got, want)
	}
	ob := findStep(t, r, "over_budget")
	if ob.Role != RoleApprover || ob.Label != "超预算审批" || !slices.Equal(ob.Assignees, []string{"qian.li"}) ||
		ob.Explain(i18n.ZH) != "金额超出预算指标余额，需超预算审批；财务总监：钱丽" {
		t.Errorf("over-budget step = %+v", ob)
	}

	refusing := Demo()
	editExpense(refusing, func(c *Chain) { c.OverBudget = OverBudgetRefuse })
	if err := refusing.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := refusing.Route(facts); !errors.Is(err, ErrOverBudget) {
		t.Errorf("refuse: error = %v, want ErrOverBudget", err)
	}
	facts.OverBudget = false
	if r, err := refusing.Route(facts); err != nil || slices.Contains(stepKeys(r), "over_budget") {
		t.Errorf("refuse, within budget: %v, %v", stepKeys(r), err)
	}
}

func TestRouteSegregationOfDuties(t *testing.T) {
	tests := []struct {
		name      string
		change    func(t *testing.T, d *Document)
		facts     Facts
		step      string
		assignees []string
		reason    string // a substring of the step's reason
	}{
		{
			name:      "a department head's own claim goes to their superior",
			facts:     Facts{Category: "travel", Amount: *money("3000"), Submitter: "wang.fang"},
			step:      "approval.department_head",
			assignees: []string{"zhao.qiang"},
			reason:    "销售部负责人王芳（已是本单经办人，经办人与审批人不相容），改由其上级赵强签批",
		},
		{
			name:      "the finance director's own claim goes to the general manager",
			facts:     Facts{Category: "travel", Amount: *money("3000"), Submitter: "qian.li"},
			step:      "approval.department_head",
			assignees: []string{"zhao.qiang"},
			reason:    "财务部负责人钱丽（已是本单经办人，经办人与审批人不相容），改由其上级赵强签批",
		},
		{
			name:      "a reviewer's own claim is reviewed by the other reviewer",
			facts:     Facts{Category: "travel", Amount: *money("3000"), Submitter: "sun.min"},
			step:      "review",
			assignees: []string{"zhou.jie"},
			reason:    "审核人：周杰；已排除孙敏（已是本单经办人，经办人与审核人不相容）",
		},
		{
			name:      "a witness's own claim is attested by the other witness",
			facts:     Facts{Category: "travel", Amount: *money("3000"), Submitter: "li.na"},
			step:      "witness",
			assignees: []string{"liu.yang"},
			reason:    "销售部的证明人：刘洋；已排除李娜（已是本单经办人，经办人与证明人不相容）",
		},
		{
			name: "an assignee of an incompatible earlier step is dropped",
			change: func(t *testing.T, d *Document) {
				u := &d.Users[userIndex(t, d, "zhou.jie")]
				u.Roles = append(u.Roles, RoleCashier)
			},
			facts:     Facts{Category: "travel", Amount: *money("3000"), Submitter: "zhang.wei"},
			step:      "payment",
			assignees: []string{"wu.xia"},
			reason:    "已排除周杰（已是本单审核人，审核人与出纳不相容）",
		},
		{
			name: "the department head is resolved before earlier steps",
			change: func(t *testing.T, d *Document) {
				u := &d.Users[userIndex(t, d, "wang.fang")]
				u.Roles = append(u.Roles, RoleWitness)
				d.Incompatible = append(d.Incompatible, [2]Role{RoleWitness, RoleApprover})
			},
			facts:     Facts{Category: "travel", Amount: *money("3000"), Submitter: "zhang.wei"},
			step:      "witness",
			assignees: []string{"li.na", "liu.yang"},
			reason:    "已排除王芳（已是本单审批人，审批人与证明人不相容）",
		},
		{
			name: "escalation walks up until someone may sign",
			change: func(t *testing.T, d *Document) {
				// A fixed-person over-budget check by the head, in a role that excludes approving.
				editExpense(d, func(c *Chain) {
					st := *c.OverBudgetStep
					st.Role, st.Assignee = RoleReviewer, AssignDepartmentHead
					c.OverBudgetStep = &st
				})
				d.Users[userIndex(t, d, "wang.fang")].Superior = "chen.gang"
			},
			facts:     Facts{Category: "travel", Amount: *money("3000"), Submitter: "wang.fang", OverBudget: true},
			step:      "approval.department_head",
			assignees: []string{"zhao.qiang"},
			reason:    "销售部负责人王芳（已是本单经办人，经办人与审批人不相容），改由其上级陈刚（已是本单审核人，审核人与审批人不相容），改由其上级赵强签批",
		},
		{
			name:      "the department named in the facts decides the head and the witness",
			facts:     Facts{Category: "travel", Amount: *money("3000"), Submitter: "zhang.wei", Department: "engineering"},
			step:      "approval.department_head",
			assignees: []string{"chen.gang"},
			reason:    "研发部负责人陈刚签批",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Demo()
			if tt.change != nil {
				tt.change(t, d)
			}
			tt.facts.Kind = KindExpense
			r, err := d.Route(tt.facts)
			if err != nil {
				t.Fatal(err)
			}
			st := findStep(t, r, tt.step)
			if !slices.Equal(st.Assignees, tt.assignees) {
				t.Errorf("assignees = %v, want %v", st.Assignees, tt.assignees)
			}
			if !strings.Contains(st.Explain(i18n.ZH), tt.reason) {
				t.Errorf("reason = %q, want it to contain %q", st.Explain(i18n.ZH), tt.reason)
			}
			assertNoConflicts(t, d, r, tt.facts.Submitter)
		})
	}
}

// assertNoConflicts checks the route as a whole: nobody may be offered two incompatible roles,
// and the submitter no role incompatible with handling.
func assertNoConflicts(t *testing.T, d *Document, r Route, submitter string) {
	t.Helper()
	for i, a := range r.Steps {
		for _, u := range a.Assignees {
			if u == submitter && d.RolesIncompatible(RoleHandler, a.Role) {
				t.Errorf("submitter %s is on step %s as %s", u, a.Key, a.Role)
			}
			for _, b := range r.Steps[i+1:] {
				if slices.Contains(b.Assignees, u) && d.RolesIncompatible(a.Role, b.Role) {
					t.Errorf("%s is on %s (%s) and %s (%s)", u, a.Key, a.Role, b.Key, b.Role)
				}
			}
		}
	}
}

func TestRouteEveryDemoSubmitter(t *testing.T) {
	d := Demo()
	for _, u := range d.Users {
		for _, c := range d.Categories {
			for _, amount := range []string{"100", "3000", "12000", "80000"} {
				// Who cannot be routed in the demo, and at which step; everyone else can.
				var stuck string
				headOnly := amount == "100" || (amount == "3000" && c.ID != "meals")
				switch {
				case u.ID == "zhao.qiang":
					stuck = "approval.department_head" // nobody is above the general manager
				case u.ID == "he.ping" && c.Goods:
					stuck = "receiver" // the only receiver
				case u.ID == "qian.li" && !headOnly:
					stuck = "approval.finance_director" // the only finance director
				}
				r, err := d.Route(Facts{Kind: KindExpense, Category: c.ID, Amount: *money(amount), Submitter: u.ID})
				if stuck != "" {
					if !errors.Is(err, ErrNoAssignee) || !strings.Contains(err.Error(), "step "+stuck+" ") {
						t.Errorf("%s, %s %s: error = %v, want ErrNoAssignee at %s", u.ID, c.ID, amount, err, stuck)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s, %s %s: %v", u.ID, c.ID, amount, err)
					continue
				}
				for _, st := range r.Steps {
					if len(st.Assignees) == 0 {
						t.Errorf("%s, %s %s: step %s has no assignee", u.ID, c.ID, amount, st.Key)
					}
				}
				assertNoConflicts(t, d, r, u.ID)
			}
		}
	}
}

func TestRouteErrors(t *testing.T) {
	kOfN := func(k int) func(t *testing.T, d *Document) {
		return func(t *testing.T, d *Document) {
			editExpense(d, func(c *Chain) {
				i := stepIndex(t, c, "review")
				c.Steps[i].Mode, c.Steps[i].K = ModeKOfN, k
			})
		}
	}
	ok := Facts{Kind: KindExpense, Category: "travel", Amount: 100, Submitter: "zhang.wei"}
	with := func(change func(f *Facts)) Facts {
		f := ok
		change(&f)
		return f
	}
	tests := []struct {
		name    string
		change  func(t *testing.T, d *Document)
		facts   Facts
		wantErr error
		mention string
	}{
		{"unknown kind", nil, with(func(f *Facts) { f.Kind = "transfer" }), ErrUnknownKind, `"transfer"`},
		{"unknown category", nil, with(func(f *Facts) { f.Category = "snacks" }), ErrUnknownCategory, `"snacks"`},
		{"zero amount", nil, with(func(f *Facts) { f.Amount = 0 }), ErrAmount, "0.00"},
		{"negative amount", nil, with(func(f *Facts) { f.Amount = -1 }), ErrAmount, "-0.01"},
		{"amount above the cap", nil, with(func(f *Facts) { f.Amount = MaxMoney + 1 }), ErrAmount, "1,000,000,000,000.00"},
		{"unknown submitter", nil, with(func(f *Facts) { f.Submitter = "nobody" }), ErrUnknownUser, `"nobody"`},
		{"unknown department", nil, with(func(f *Facts) { f.Department = "marketing" }), ErrUnknownDepartment, `"marketing"`},
		{"the general manager's own claim", nil, with(func(f *Facts) { f.Submitter = "zhao.qiang" }), ErrNoAssignee, "step approval.department_head (approver)"},
		{"the only witness's own claim", func(t *testing.T, d *Document) {
			d.Users[userIndex(t, d, "xu.jing")].Roles = []Role{RoleHandler}
		}, with(func(f *Facts) { f.Submitter = "huang.lei" }), ErrNoAssignee, "step witness (witness)"},
		{"the only receiver's own goods", nil, with(func(f *Facts) { f.Submitter, f.Category = "he.ping", "office" }), ErrNoAssignee, "step receiver (receiver)"},
		{"the finance director's own larger claim", nil, with(func(f *Facts) { f.Submitter, f.Amount = "qian.li", *money("12000") }), ErrNoAssignee, "step approval.finance_director (approver)"},
		{"k of n with too few left", kOfN(2), with(func(f *Facts) { f.Submitter = "sun.min" }), ErrNoAssignee, "2 of 审核人 (reviewer) must sign but 1 may"},
		{"nobody holds the role", func(t *testing.T, d *Document) {
			d.Users[userIndex(t, d, "wu.xia")].Roles = []Role{RoleHandler}
		}, ok, ErrNoAssignee, "step payment (cashier)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Demo()
			if tt.change != nil {
				tt.change(t, d)
			}
			_, err := d.Route(tt.facts)
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error = %v, want %v mentioning %q", err, tt.wantErr, tt.mention)
			}
		})
	}
}

func TestRouteModes(t *testing.T) {
	d := Demo()
	editExpense(d, func(c *Chain) {
		i := stepIndex(t, c, "review")
		c.Steps[i].Mode, c.Steps[i].K = ModeKOfN, 2
		j := stepIndex(t, c, "witness")
		c.Steps[j].Mode = ModeAllOf
	})
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := d.Route(Facts{Kind: KindExpense, Category: "travel", Amount: 100, Submitter: "zhang.wei"})
	if err != nil {
		t.Fatal(err)
	}
	if st := findStep(t, r, "review"); st.Mode != ModeKOfN || st.K != 2 || !strings.HasSuffix(st.Explain(i18n.ZH), "其中2人签批即可") {
		t.Errorf("review = %+v", st)
	}
	if st := findStep(t, r, "witness"); st.Mode != ModeAllOf || st.K != 0 || !strings.HasSuffix(st.Explain(i18n.ZH), "须全部会签") {
		t.Errorf("witness = %+v", st)
	}
}

func TestRouteStepCategories(t *testing.T) {
	d := Demo()
	editExpense(d, func(c *Chain) { c.Steps[stepIndex(t, c, "receiver")].Categories = []string{"equipment"} })
	for cat, want := range map[string]bool{"office": false, "equipment": true, "travel": false} {
		r, err := d.Route(Facts{Kind: KindExpense, Category: cat, Amount: 100, Submitter: "zhang.wei"})
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(stepKeys(r), "receiver"); got != want {
			t.Errorf("%s: receiver step present = %v, want %v", cat, got, want)
		}
	}
}

// TestRoutePool: whoever may take a step over by transfer holds the step's authority for this
// case, as routing resolved it: the witnesses of the case's department, the level's role
// (never everyone holding the generic approver role), the department head and those above.
func TestRoutePool(t *testing.T) {
	d := Demo()
	tests := []struct {
		submitter string
		want      map[string][]string
	}{
		{"wang.fang", map[string][]string{ // the sales head's own claim
			"witness":                   {"li.na", "liu.yang"}, // sales witnesses only
			"review":                    {"sun.min", "zhou.jie"},
			"approval.department_head":  {"zhao.qiang"}, // not the submitter: her superior, and no other head
			"approval.finance_director": {"qian.li"},    // not the department heads
			"payment":                   {"wu.xia"},
		}},
		{"zhang.wei", map[string][]string{
			"approval.department_head":  {"wang.fang", "zhao.qiang"}, // the head and the one above
			"approval.finance_director": {"qian.li"},
		}},
		{"huang.lei", map[string][]string{ // an engineering witness's own claim
			"witness":                  {"xu.jing"},
			"approval.department_head": {"chen.gang", "zhao.qiang"},
		}},
	}
	for _, tt := range tests {
		r, err := d.Route(Facts{Kind: KindExpense, Category: "travel", Amount: *money("12000"), Submitter: tt.submitter})
		if err != nil {
			t.Fatal(err)
		}
		for key, pool := range tt.want {
			if got := findStep(t, r, key).Pool; !slices.Equal(got, pool) {
				t.Errorf("%s: step %s: pool %v, want %v", tt.submitter, key, got, pool)
			}
		}
	}
}

// TestRoutePoolOfACountersign: each department's head and those above, less whoever already
// holds an incompatible part of the case.
func TestRoutePoolOfACountersign(t *testing.T) {
	r, err := Demo().Route(Facts{Kind: KindProcurement, Category: "equipment", Amount: *money("1000"), Submitter: "huang.lei"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"chen.gang", "lin.feng", "ma.lan", "qian.li", "zhao.qiang"}
	cs := findStep(t, r, "countersign")
	if !slices.Equal(cs.Pool, want) {
		t.Errorf("countersign pool %v, want %v", cs.Pool, want)
	}
	// Each head's part goes only to someone above them, never to another department's head.
	seats := map[string][]string{"chen.gang": {"chen.gang", "zhao.qiang"}, "lin.feng": {"lin.feng", "zhao.qiang"},
		"ma.lan": {"ma.lan", "zhao.qiang"}, "qian.li": {"qian.li", "zhao.qiang"}}
	if !reflect.DeepEqual(cs.Seats, seats) {
		t.Errorf("countersign seats %v, want %v", cs.Seats, seats)
	}
	if findStep(t, r, "review").Seats != nil {
		t.Error("a step of one authority has seats")
	}
}

func TestRouteIsDeterministicAndPure(t *testing.T) {
	d := Demo()
	sum := d.Checksum()
	f := Facts{Kind: KindExpense, Category: "equipment", Amount: *money("80000"), Submitter: "sun.min", OverBudget: true}
	first, err := d.Route(f)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, err := d.Route(f)
		if err != nil || !reflect.DeepEqual(again, first) {
			t.Fatalf("second route differs: %v", err)
		}
	}
	first.Band.Levels[0] = "changed"
	first.Steps[0].Assignees[0] = "changed"
	if d.Checksum() != sum {
		t.Error("routing, or changing a route, changed the document")
	}
	if b, err := json.Marshal(first); err != nil || !strings.Contains(string(b), `"pool"`) {
		t.Errorf("route JSON: %s, %v", b, err)
	}
}

func TestChooseBand(t *testing.T) {
	d := Demo()
	if _, err := d.ChooseBand("snacks", 100); !errors.Is(err, ErrUnknownCategory) {
		t.Errorf("unknown category: %v", err)
	}
	noDefault := Demo()
	noDefault.Authority = noDefault.Authority[authorityIndex(t, noDefault, "meals"):][:1]
	if _, err := noDefault.ChooseBand("travel", 100); !errors.Is(err, ErrNoAuthority) {
		t.Errorf("no authority entry: %v", err)
	}
	if b, err := noDefault.ChooseBand("meals", 100); err != nil || b.Category != "meals" {
		t.Errorf("meals: %+v, %v", b, err)
	}
}
