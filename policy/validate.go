package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ValidationError lists every problem found in a document, each naming the entry at fault, so
// that whoever edits the policy file can fix them all in one pass.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "invalid policy: " + e.Problems[0]
	}
	return fmt.Sprintf("invalid policy (%d problems): %s", len(e.Problems), strings.Join(e.Problems, "; "))
}

// Validate checks that the document is consistent and that every case it can route has someone
// to sign each step. It returns a *ValidationError naming every problem, or nil.
func (d *Document) Validate() error {
	v := &validator{d: d, roles: map[Role]bool{}}
	v.header()
	v.roleCatalogue()
	v.departments()
	v.users()
	v.superiorCycles()
	v.categories()
	v.budgetLines()
	v.levels()
	v.authority()
	v.incompatible()
	v.grants()
	v.chains()
	v.procurement()
	v.problems = append(v.problems, d.Expense.problems()...)
	v.problems = append(v.problems, d.Seals.problems(v.roles)...)
	v.problems = append(v.problems, d.Production.problems()...)
	v.problems = append(v.problems, d.Calendar.problems()...)
	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}
	return nil
}

type validator struct {
	d        *Document
	problems []string
	roles    map[Role]bool
}

func (v *validator) addf(format string, args ...any) {
	v.problems = append(v.problems, fmt.Sprintf(format, args...))
}

func (v *validator) header() {
	if strings.TrimSpace(v.d.Name) == "" {
		v.addf("name is empty")
	}
	switch c := v.d.Currency; {
	case c == "":
		v.addf("currency is empty")
	case len(c) != 3 || strings.ToUpper(c) != c || !isLetters(c):
		v.addf("currency %q is not an ISO 4217 code like CNY", c)
	}
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

func (v *validator) roleCatalogue() {
	for i, r := range v.d.Roles {
		switch {
		case r.ID == "":
			v.addf("role #%d has no id", i+1)
		case v.roles[r.ID]:
			v.addf("role %q is declared twice", r.ID)
		}
		v.roles[r.ID] = true
	}
}

func (v *validator) departments() {
	seen := map[string]bool{}
	for i, dep := range v.d.Departments {
		switch {
		case dep.ID == "":
			v.addf("department #%d has no id", i+1)
		case seen[dep.ID]:
			v.addf("department %q is declared twice", dep.ID)
		}
		seen[dep.ID] = true
		if dep.Head == "" {
			v.addf("department %q has no head", dep.ID)
		} else if _, ok := v.d.User(dep.Head); !ok {
			v.addf("department %q: head %q is not a user", dep.ID, dep.Head)
		}
		if dep.Parent != "" {
			if _, ok := v.d.Department(dep.Parent); !ok {
				v.addf("department %q: parent %q is not a department", dep.ID, dep.Parent)
			}
		}
	}
	parent := func(id string) string {
		dep, _ := v.d.Department(id)
		return dep.Parent
	}
	for _, c := range cycles(departmentIDs(v.d), parent) {
		v.addf("departments form a cycle through their parents: %s", strings.Join(c, " → "))
	}
}

func departmentIDs(d *Document) []string {
	ids := make([]string, 0, len(d.Departments))
	for _, dep := range d.Departments {
		ids = append(ids, dep.ID)
	}
	return ids
}

// ReservedSystemID is the actor of the system's own entries and transfers (chain.SystemActor):
// no person may have it, so a signed action in its name is always the service's.
const ReservedSystemID = "system"

func (v *validator) users() {
	seen := map[string]bool{}
	for i, u := range v.d.Users {
		switch {
		case u.ID == "":
			v.addf("user #%d has no id", i+1)
		case seen[u.ID]:
			v.addf("user %q is declared twice", u.ID)
		case u.ID == ReservedSystemID:
			v.addf("user id %q is reserved for the system's own actions", u.ID)
		}
		seen[u.ID] = true
		if _, ok := v.d.Department(u.Department); !ok {
			v.addf("user %q: department %q is not a department", u.ID, u.Department)
		}
		for j, r := range u.Roles {
			switch {
			case !v.roles[r]:
				v.addf("user %q: role %q is not in roles", u.ID, r)
			case slices.Contains(u.Roles[:j], r):
				v.addf("user %q: role %q is listed twice", u.ID, r)
			}
		}
		switch {
		case u.Superior == "":
		case u.Superior == u.ID:
			v.addf("user %q is their own superior", u.ID)
		default:
			if _, ok := v.d.User(u.Superior); !ok {
				v.addf("user %q: superior %q is not a user", u.ID, u.Superior)
			}
		}
	}
}

// superiorCycles refuses superiors that lead back to where they started: escalating a
// department head's own claim would go round for ever.
func (v *validator) superiorCycles() {
	ids := make([]string, 0, len(v.d.Users))
	for _, u := range v.d.Users {
		ids = append(ids, u.ID)
	}
	for _, c := range cycles(ids, v.d.Superior) {
		v.addf("superiors form a cycle: %s", strings.Join(c, " → "))
	}
}

// cycles follows next from every start and returns each cycle once, rotated to begin at its
// smallest member and closed by repeating it ("a → b → a").
func cycles(starts []string, next func(string) string) [][]string {
	var out [][]string
	reported := map[string]bool{}
	for _, start := range starts {
		pos := map[string]int{}
		var path []string
		for id := start; id != ""; id = next(id) {
			if i, ok := pos[id]; ok {
				c := slices.Clone(path[i:])
				m := slices.Index(c, slices.Min(c))
				c = append(c[m:], c[:m]...)
				key := strings.Join(c, "\x00")
				if !reported[key] {
					reported[key] = true
					out = append(out, append(c, c[0]))
				}
				break
			}
			pos[id] = len(path)
			path = append(path, id)
		}
	}
	return out
}

func (v *validator) categories() {
	seen := map[string]bool{}
	for i, c := range v.d.Categories {
		switch {
		case c.ID == "":
			v.addf("category #%d has no id", i+1)
		case c.ID == "*":
			v.addf(`category "*" is reserved for the default authority`)
		case seen[c.ID]:
			v.addf("category %q is declared twice", c.ID)
		}
		seen[c.ID] = true
	}
}

func (v *validator) budgetLines() {
	seen := map[string]bool{}
	for i, b := range v.d.BudgetLines {
		switch {
		case b.ID == "":
			v.addf("budget line #%d has no id", i+1)
		case seen[b.ID]:
			v.addf("budget line %q is declared twice", b.ID)
		}
		seen[b.ID] = true
		if _, ok := v.d.Department(b.Department); !ok {
			v.addf("budget line %q: department %q is not a department", b.ID, b.Department)
		}
		if b.Year == 0 {
			v.addf("budget line %q has no year", b.ID)
		}
		if b.Total <= 0 {
			v.addf("budget line %q: total %s is not positive", b.ID, b.Total)
		}
		if b.Category != "" {
			if _, ok := v.d.Category(b.Category); !ok {
				v.addf("budget line %q: category %q is not a category", b.ID, b.Category)
			}
		}
	}
}

func (v *validator) levels() {
	for _, key := range sortedKeys(v.d.Levels) {
		l := v.d.Levels[key]
		switch l.Resolve {
		case ResolveDepartmentHead:
			if l.Role != "" {
				v.addf("level %q: role %q is only used with resolve: role", key, l.Role)
			}
		case ResolveRole:
			switch {
			case l.Role == "":
				v.addf("level %q: resolve is role but no role is given", key)
			case !v.roles[l.Role]:
				v.addf("level %q: role %q is not in roles", key, l.Role)
			case len(v.d.Holders(l.Role)) == 0:
				v.addf("level %q: nobody holds role %q", key, l.Role)
			}
		default:
			v.addf("level %q: resolve %q is not department_head or role", key, l.Resolve)
		}
	}
}

func (v *validator) authority() {
	seen := map[string]bool{}
	for _, a := range v.d.Authority {
		if seen[a.Category] {
			v.addf("authority for %s is declared twice", a.Category)
		}
		seen[a.Category] = true
		if a.Category != "*" {
			if _, ok := v.d.Category(a.Category); !ok {
				v.addf("authority for %s: %q is not a category", a.Category, a.Category)
			}
		}
		v.bands(a)
	}
	if !seen["*"] {
		for _, c := range v.d.Categories {
			if !seen[c.ID] {
				v.addf(`category %q has no authority entry and there is no "*" entry`, c.ID)
			}
		}
	}
}

func (v *validator) bands(a Authority) {
	where := "authority for " + a.Category
	if len(a.Bands) == 0 {
		v.addf("%s has no bands", where)
		return
	}
	for i, b := range a.Bands {
		label := bandRange(b.Above, b.UpTo)
		if i == 0 && b.Above != 0 {
			v.addf("%s: the first band starts above %s, not at 0", where, b.Above)
		}
		if b.UpTo != nil && *b.UpTo <= b.Above {
			v.addf("%s: band %s is empty", where, label)
		}
		if len(b.Levels) == 0 {
			v.addf("%s: band %s has no levels", where, label)
		}
		for j, key := range b.Levels {
			if _, ok := v.d.Levels[key]; !ok {
				v.addf("%s: band %s: level %q is not in levels", where, label, key)
			} else if slices.Contains(b.Levels[:j], key) {
				v.addf("%s: band %s: level %q is listed twice", where, label, key)
			}
		}
		if i == 0 {
			continue
		}
		prev := a.Bands[i-1]
		switch {
		case prev.UpTo == nil:
			v.addf("overlap between %s and %s in %s", bandRange(prev.Above, nil), label, where)
		case b.Above > *prev.UpTo:
			v.addf("gap between %s and %s in %s", *prev.UpTo, b.Above, where)
		case b.Above < *prev.UpTo:
			v.addf("overlap between %s and %s in %s", bandRange(prev.Above, prev.UpTo), label, where)
		}
	}
	if last := a.Bands[len(a.Bands)-1]; last.UpTo != nil {
		v.addf("%s: the last band ends at %s, so amounts above it have no approver", where, *last.UpTo)
	}
}

func (v *validator) incompatible() {
	seen := map[[2]Role]bool{}
	for _, p := range v.d.Incompatible {
		name := fmt.Sprintf("incompatible pair (%s, %s)", p[0], p[1])
		for _, r := range p {
			if !v.roles[r] {
				v.addf("%s: role %q is not in roles", name, r)
			}
		}
		if p[0] == p[1] {
			v.addf("%s names the same role twice", name)
		}
		if seen[p] || seen[[2]Role{p[1], p[0]}] {
			v.addf("%s is listed twice", name)
		}
		seen[p] = true
	}
}

func (v *validator) chains() {
	kinds := make([]Kind, 0, len(v.d.Chains))
	for k := range v.d.Chains {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, kind := range kinds {
		c := v.d.Chains[kind]
		where := fmt.Sprintf("chain %s", kind)
		if kind == "" {
			v.addf("a chain has an empty kind")
		}
		if len(c.Steps) == 0 {
			v.addf("%s has no steps", where)
		}
		keys := map[string]bool{}
		authoritySteps := 0
		for i, st := range c.Steps {
			v.step(where, i, st, keys, false)
			if st.Authority {
				authoritySteps++
			}
		}
		switch {
		case authoritySteps == 0 && (kind == KindExpense || kind == KindProcurement):
			v.addf("%s has no authority step", where)
		case authoritySteps > 1:
			v.addf("%s has %d authority steps; one is allowed", where, authoritySteps)
		}
		if c.SLA <= 0 {
			v.addf("%s: SLA %s is not positive", where, c.SLA)
		}
		if c.ReminderBefore < 0 {
			v.addf("%s: reminder_before %s is negative", where, c.ReminderBefore)
		}
		switch c.OverBudget {
		case OverBudgetRefuse:
		case OverBudgetRoute:
			if c.OverBudgetStep == nil {
				v.addf("%s: over_budget is route but there is no over_budget_step", where)
			} else {
				v.step(where, -1, *c.OverBudgetStep, keys, true)
			}
		default:
			v.addf("%s: over_budget %q is not refuse or route", where, c.OverBudget)
		}
	}
}

// step checks one step template; i < 0 marks the over-budget step.
func (v *validator) step(chain string, i int, st StepTemplate, keys map[string]bool, overBudget bool) {
	where := fmt.Sprintf("%s: step %q", chain, st.Key)
	if overBudget {
		where = fmt.Sprintf("%s: over_budget_step %q", chain, st.Key)
	}
	switch {
	case st.Key == "":
		if overBudget {
			v.addf("%s: over_budget_step has no key", chain)
		} else {
			v.addf("%s: step #%d has no key", chain, i+1)
		}
	case strings.Contains(st.Key, "."):
		v.addf("%s: the key must not contain '.', which joins authority steps to their levels", where)
	case keys[st.Key]:
		v.addf("%s: key is used twice", where)
	}
	keys[st.Key] = true
	if !v.roles[st.Role] {
		v.addf("%s: role %q is not in roles", where, st.Role)
	}
	if st.SLA <= 0 {
		v.addf("%s: SLA %s is not positive", where, st.SLA)
	}
	for _, c := range st.Categories {
		if _, ok := v.d.Category(c); !ok {
			v.addf("%s: category %q is not a category", where, c)
		}
	}
	if st.Authority {
		v.authorityStep(where, st, overBudget)
		return
	}
	switch st.Mode {
	case ModeAllOf, ModeAnyOf:
		if st.K != 0 {
			v.addf("%s: k is only used with mode k_of_n, not %s", where, st.Mode)
		}
	case ModeKOfN:
		if st.K < 1 {
			v.addf("%s: k_of_n needs k of at least 1, not %d", where, st.K)
		}
	default:
		v.addf("%s: mode %q is not all_of, any_of or k_of_n", where, st.Mode)
	}
	spec, err := parseAssignee(st.Assignee)
	if err != nil {
		v.addf("%s: %v", where, err)
		return
	}
	v.condition(where, st)
	switch spec.kind {
	case AssignDepartmentHead:
		return
	case AssignDepartmentHeads:
		v.countersign(where, st)
		return
	}
	if len(st.Departments) > 0 {
		v.addf("%s: departments are only used with assignee department_heads", where)
	}
	switch holders := v.d.Holders(spec.role); {
	case !v.roles[spec.role]:
		v.addf("%s: assignee %q names role %q, which is not in roles", where, st.Assignee, spec.role)
	case len(holders) == 0:
		v.addf("%s: assignee %q: nobody holds role %q", where, st.Assignee, spec.role)
	case st.Mode == ModeKOfN && st.K > len(holders):
		v.addf("%s: needs %d signers but only %d people hold role %q", where, st.K, len(holders), spec.role)
	}
}

// countersign checks a department_heads step: known departments, each once, signed all_of.
func (v *validator) countersign(where string, st StepTemplate) {
	if len(st.Departments) == 0 {
		v.addf("%s: assignee department_heads needs departments", where)
	}
	seen := map[string]bool{}
	for _, id := range st.Departments {
		if _, ok := v.d.Department(id); !ok && id != RequesterDepartment {
			v.addf("%s: department %q is not a department (or %q)", where, id, RequesterDepartment)
		}
		if seen[id] {
			v.addf("%s: department %q is named twice", where, id)
		}
		seen[id] = true
	}
	if st.Mode != ModeAllOf {
		v.addf("%s: a countersign by department heads is signed all_of, not %s", where, st.Mode)
	}
}

// condition checks When, which any step but the authority step may carry.
func (v *validator) condition(where string, st StepTemplate) {
	for _, r := range st.When {
		if (r < 'a' || r > 'z') && r != '_' {
			v.addf("%s: when %q is not a condition name (a-z and _)", where, st.When)
			break
		}
	}
}

func (v *validator) authorityStep(where string, st StepTemplate, overBudget bool) {
	if overBudget {
		v.addf("%s: the over-budget step cannot be an authority step", where)
	}
	if st.Assignee != "" {
		v.addf("%s: an authority step takes its approvers from levels; remove assignee %q", where, st.Assignee)
	}
	if st.Mode != "" && st.Mode != ModeAnyOf {
		v.addf("%s: authority levels are signed any_of; mode %q is not supported", where, st.Mode)
	}
	if st.K != 0 {
		v.addf("%s: k is not used by an authority step", where)
	}
	if st.GoodsOnly || len(st.Categories) > 0 || st.When != "" {
		v.addf("%s: the authority step must apply to every case (no goods_only, categories or when)", where)
	}
	if st.RejectReturns || len(st.Departments) > 0 {
		v.addf("%s: reject_returns and departments do not apply to an authority step", where)
	}
}

// procurement checks the purchasing rules, when the document has a procurement chain.
func (v *validator) procurement() {
	p := v.d.Procurement
	if _, ok := v.d.Chains[KindProcurement]; !ok {
		return
	}
	for _, k := range []Kind{KindReceipt, KindSettlement} {
		if _, ok := v.d.Chains[k]; !ok {
			v.addf("chains: a procurement chain needs a %s chain too", k)
		}
	}
	if p.PlanCheck != PlanCheckPlan && p.PlanCheck != PlanCheckPlanMinusStock {
		v.addf("procurement: plan_check %q is not %s or %s", p.PlanCheck, PlanCheckPlan, PlanCheckPlanMinusStock)
	}
	for _, k := range p.RequiredCertificates {
		if !slices.Contains(CertificateKinds, k) {
			v.addf("procurement: required certificate %q is not one of %s", k, strings.Join(CertificateKinds, ", "))
		}
	}
	if p.ExpiryWindowDays < 0 {
		v.addf("procurement: expiry_window_days %d is negative", p.ExpiryWindowDays)
	}
	t := p.Tolerance
	if t.Amount < 0 || t.AmountBP < 0 || t.QuantityBP < 0 || t.AmountBP > 10000 || t.QuantityBP > 10000 {
		v.addf("procurement: tolerance must be between 0 and 10000 basis points and not negative")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
