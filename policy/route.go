package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Errors from Route and ChooseBand. They are wrapped with the offending value; compare with
// errors.Is.
var (
	ErrUnknownKind       = errors.New("no chain for this kind of case")
	ErrUnknownCategory   = errors.New("unknown category")
	ErrUnknownUser       = errors.New("unknown submitter")
	ErrUnknownDepartment = errors.New("unknown department")
	ErrAmount            = errors.New("amount must be above 0.00 and at most 999,999,999,999.99")
	ErrOverBudget        = errors.New("over budget and the policy refuses over-budget cases")
	ErrNoAuthority       = errors.New("no authority band covers the amount")
	ErrNoAssignee        = errors.New("nobody may sign the step")
)

// Route evaluates the chain of a case: which steps apply, who may sign each and why, and who
// could take each step over by transfer (RouteStep.Pool).
//
// Segregation of duties is applied while routing: the submitter holds RoleHandler; steps resolved
// to one fixed person (department heads) are resolved first, then the others in chain order, and
// each step drops every candidate who already holds an incompatible role on the case. A department
// head who may not sign is replaced by their Superior, walking up until someone may.
func (d *Document) Route(f Facts) (Route, error) {
	chain, ok := d.Chains[f.Kind]
	if !ok {
		return Route{}, fmt.Errorf("route: kind %q: %w", f.Kind, ErrUnknownKind)
	}
	cat, ok := d.Category(f.Category)
	if !ok {
		return Route{}, fmt.Errorf("route: category %q: %w", f.Category, ErrUnknownCategory)
	}
	if f.Amount <= 0 || f.Amount > MaxMoney {
		return Route{}, fmt.Errorf("route: amount %s: %w", f.Amount, ErrAmount)
	}
	if _, ok := d.User(f.Submitter); !ok {
		return Route{}, fmt.Errorf("route: submitter %q: %w", f.Submitter, ErrUnknownUser)
	}
	if f.Department == "" {
		u, _ := d.User(f.Submitter)
		f.Department = u.Department
	}
	if _, ok := d.Department(f.Department); !ok {
		return Route{}, fmt.Errorf("route: department %q: %w", f.Department, ErrUnknownDepartment)
	}
	if f.OverBudget && (chain.OverBudget != OverBudgetRoute || chain.OverBudgetStep == nil) {
		return Route{}, fmt.Errorf("route: %w", ErrOverBudget)
	}
	band, err := d.ChooseBand(f.Category, f.Amount)
	if err != nil {
		return Route{}, fmt.Errorf("route: %w", err)
	}

	plan, err := d.plan(chain, cat, band, f.OverBudget, f.Conditions)
	if err != nil {
		return Route{}, fmt.Errorf("route: %w", err)
	}
	r := router{d: d, f: f, held: map[Role][]string{RoleHandler: {f.Submitter}}}
	for _, fixedFirst := range []bool{true, false} {
		for i := range plan {
			if (plan[i].spec.kind == AssignDepartmentHead) != fixedFirst {
				continue
			}
			if err := r.resolve(&plan[i]); err != nil {
				return Route{}, fmt.Errorf("route: %w", err)
			}
		}
	}
	out := Route{Kind: f.Kind, Band: &band, SLA: chain.SLA, ReminderBefore: chain.ReminderBefore}
	for i, p := range plan {
		p.step.Pool = d.pool(f.Submitter, plan, i)
		out.Steps = append(out.Steps, p.step)
	}
	return out, nil
}

// pool lists who may take step i over by transfer: its assignees and every holder of the step's
// role who holds no incompatible role on the case (as handler or as an assignee of another step).
func (d *Document) pool(submitter string, plan []plannedStep, i int) []string {
	held := map[Role][]string{RoleHandler: {submitter}}
	for j, p := range plan {
		if j != i {
			held[p.step.Role] = append(held[p.step.Role], p.step.Assignees...)
		}
	}
	st := plan[i].step
	pool := slices.Clone(st.Assignees)
	for _, u := range d.Holders(st.Role) {
		if _, conflict := d.ConflictFor(held, u, st.Role); !conflict && !slices.Contains(pool, u) {
			pool = append(pool, u)
		}
	}
	slices.Sort(pool)
	return pool
}

// ChooseBand returns the authority band an amount of a category falls in: the category's own
// authority entry, else "*". A band covers Above < amount <= UpTo.
func (d *Document) ChooseBand(category string, amount Money) (BandChoice, error) {
	if _, ok := d.Category(category); !ok {
		return BandChoice{}, fmt.Errorf("category %q: %w", category, ErrUnknownCategory)
	}
	entry, ok := d.authorityFor(category)
	if !ok {
		return BandChoice{}, fmt.Errorf("category %q: %w", category, ErrNoAuthority)
	}
	for _, b := range entry.Bands {
		if amount <= b.Above || (b.UpTo != nil && amount > *b.UpTo) {
			continue
		}
		choice := BandChoice{Category: entry.Category, Above: b.Above, Levels: slices.Clone(b.Levels)}
		if b.UpTo != nil {
			upTo := *b.UpTo
			choice.UpTo = &upTo
		}
		choice.Reason = d.bandReason(entry.Category, amount, choice)
		return choice, nil
	}
	return BandChoice{}, fmt.Errorf("category %q, amount %s: %w", category, amount, ErrNoAuthority)
}

func (d *Document) authorityFor(category string) (Authority, bool) {
	var fallback *Authority
	for i, a := range d.Authority {
		if a.Category == category {
			return a, true
		}
		if a.Category == "*" && fallback == nil {
			fallback = &d.Authority[i]
		}
	}
	if fallback != nil {
		return *fallback, true
	}
	return Authority{}, false
}

// bandReason says which band applies, e.g.
// "金额 12,000.00 属于默认审批权限 (5,000.00, 50,000.00] 档，审批层级：部门负责人、财务总监".
func (d *Document) bandReason(entry string, amount Money, b BandChoice) string {
	authority := "默认审批权限"
	if entry != "*" {
		c, _ := d.Category(entry)
		authority = c.Name + "审批权限"
	}
	labels := make([]string, 0, len(b.Levels))
	for _, key := range b.Levels {
		label := d.Levels[key].Label
		if label == "" {
			label = key
		}
		labels = append(labels, label)
	}
	return fmt.Sprintf("金额 %s 属于%s %s 档，审批层级：%s",
		amount, authority, bandRange(b.Above, b.UpTo), strings.Join(labels, "、"))
}

// bandRange writes a band as an interval: "(5,000.00, 50,000.00]" or "(50,000.00, +∞)".
func bandRange(above Money, upTo *Money) string {
	if upTo == nil {
		return fmt.Sprintf("(%s, +∞)", above)
	}
	return fmt.Sprintf("(%s, %s]", above, *upTo)
}

// plannedStep is a route step before its assignees are known.
type plannedStep struct {
	step   RouteStep
	spec   assigneeSpec
	prefix string // why the step is on the route, if that needs saying
}

// plan lists the steps that apply to the case, in chain order, with the authority step expanded
// into its levels and the over-budget step placed just before them.
func (d *Document) plan(chain Chain, cat Category, band BandChoice, overBudget bool, conditions []string) ([]plannedStep, error) {
	var plan []plannedStep
	for _, st := range chain.Steps {
		if st.GoodsOnly && !cat.Goods {
			continue
		}
		if len(st.Categories) > 0 && !slices.Contains(st.Categories, cat.ID) {
			continue
		}
		if st.When != "" && !slices.Contains(conditions, st.When) {
			continue
		}
		if !st.Authority {
			p, err := d.planned(st)
			if err != nil {
				return nil, err
			}
			switch {
			case st.GoodsOnly:
				p.prefix = fmt.Sprintf("%s属于物品类，需验收", cat.Name)
			case len(st.Categories) > 0:
				p.prefix = fmt.Sprintf("%s适用此步骤", cat.Name)
			}
			plan = append(plan, p)
			continue
		}
		if overBudget {
			p, err := d.planned(*chain.OverBudgetStep)
			if err != nil {
				return nil, err
			}
			p.prefix = "金额超出预算指标余额，需超预算审批"
			plan = append(plan, p)
		}
		for _, key := range band.Levels {
			level, ok := d.Levels[key]
			if !ok {
				return nil, fmt.Errorf("authority level %q: %w", key, ErrNoAuthority)
			}
			spec := assigneeSpec{kind: AssignDepartmentHead}
			if level.Resolve == ResolveRole {
				spec = assigneeSpec{kind: "role", role: level.Role}
			}
			label := level.Label
			if label == "" {
				label = key
			}
			plan = append(plan, plannedStep{
				step: RouteStep{Key: st.Key + "." + key, Role: st.Role, Label: label, Mode: ModeAnyOf, SLA: st.SLA},
				spec: spec, prefix: band.Reason,
			})
		}
	}
	return plan, nil
}

func (d *Document) planned(st StepTemplate) (plannedStep, error) {
	spec, err := parseAssignee(st.Assignee)
	if err != nil {
		return plannedStep{}, fmt.Errorf("step %s: %w", st.Key, err)
	}
	k := 0
	if st.Mode == ModeKOfN {
		k = st.K
	}
	spec.departments = st.Departments
	return plannedStep{
		step: RouteStep{Key: st.Key, Role: st.Role, Label: st.Label, Mode: st.Mode, K: k, SLA: st.SLA,
			RejectReturns: st.RejectReturns},
		spec: spec,
	}, nil
}

// router resolves the assignees of planned steps, remembering who holds which role on the case.
type router struct {
	d    *Document
	f    Facts
	held map[Role][]string
}

func (r *router) resolve(p *plannedStep) error {
	var who string
	var err error
	switch p.spec.kind {
	case AssignDepartmentHead:
		who, err = r.departmentHead(p)
	case AssignDepartmentHeads:
		who, err = r.departmentHeads(p)
	default:
		who, err = r.holders(p)
	}
	if err != nil {
		return fmt.Errorf("step %s (%s): %w", p.step.Key, p.step.Role, err)
	}
	parts := []string{who}
	if p.prefix != "" {
		parts = []string{p.prefix, who}
	}
	p.step.Reason = strings.Join(parts, "；")
	r.held[p.step.Role] = append(r.held[p.step.Role], p.step.Assignees...)
	return nil
}

// departmentHead resolves to the head of the case's department, or, when the head may not sign,
// to the nearest superior who may.
func (r *router) departmentHead(p *plannedStep) (string, error) {
	who, reason, err := r.headOf(r.f.Department, p.step.Role)
	if err != nil {
		return "", err
	}
	p.step.Assignees = []string{who}
	return reason, nil
}

// departmentHeads resolves a countersign: the head of each of the step's departments (the
// case's own for "requester"), each replaced by a superior where they may not sign, everyone
// once.
func (r *router) departmentHeads(p *plannedStep) (string, error) {
	var reasons []string
	p.step.Assignees = nil
	for _, id := range p.spec.departments {
		if id == RequesterDepartment {
			id = r.f.Department
		}
		who, reason, err := r.headOf(id, p.step.Role)
		if err != nil {
			return "", err
		}
		if !slices.Contains(p.step.Assignees, who) {
			p.step.Assignees = append(p.step.Assignees, who)
			reasons = append(reasons, reason)
		}
	}
	slices.Sort(p.step.Assignees)
	reason := "会签：" + strings.Join(reasons, "、")
	if len(p.step.Assignees) > 1 {
		reason += "，须全部同意"
	}
	return reason, nil
}

// headOf finds who signs for a department's head in role: the head, or the nearest superior
// who holds no incompatible role on the case.
func (r *router) headOf(department string, role Role) (string, string, error) {
	dep, ok := r.d.Department(department)
	if !ok {
		return "", "", fmt.Errorf("%w: department %q", ErrUnknownDepartment, department)
	}
	reason := dep.Name + "负责人" + r.d.userName(dep.Head)
	seen := map[string]bool{}
	for cand := dep.Head; ; {
		if cand == "" || seen[cand] {
			return "", "", fmt.Errorf("%w: %s, and nobody above may sign", ErrNoAssignee, reason)
		}
		seen[cand] = true
		held, conflict := r.d.ConflictFor(r.held, cand, role)
		if !conflict {
			return cand, reason + "签批", nil
		}
		reason += r.why(held, role)
		cand = r.d.Superior(cand)
		if cand != "" {
			reason += "，改由其上级" + r.d.userName(cand)
		}
	}
}

// holders resolves a role spec to every holder who may sign.
func (r *router) holders(p *plannedStep) (string, error) {
	var cands []string
	var who string
	switch p.spec.kind {
	case "department_role":
		cands = r.d.DepartmentHolders(r.f.Department, p.spec.role)
		who = r.d.departmentName(r.f.Department) + "的" + r.d.RoleLabel(p.spec.role)
	default:
		cands = r.d.Holders(p.spec.role)
		who = r.d.RoleLabel(p.spec.role)
	}
	var keep, excluded []string
	for _, u := range cands {
		if held, conflict := r.d.ConflictFor(r.held, u, p.step.Role); conflict {
			excluded = append(excluded, "已排除"+r.d.userName(u)+r.why(held, p.step.Role))
			continue
		}
		keep = append(keep, u)
	}
	switch {
	case len(cands) == 0:
		return "", fmt.Errorf("%w: nobody is %s (%s)", ErrNoAssignee, who, p.spec.role)
	case len(keep) == 0:
		return "", fmt.Errorf("%w: every %s (%s) is excluded: %s", ErrNoAssignee, who, p.spec.role, strings.Join(excluded, "；"))
	case p.step.Mode == ModeKOfN && len(keep) < p.step.K:
		return "", fmt.Errorf("%w: %d of %s (%s) must sign but %d may", ErrNoAssignee, p.step.K, who, p.spec.role, len(keep))
	}
	p.step.Assignees = keep
	names := make([]string, len(keep))
	for i, u := range keep {
		names[i] = r.d.userName(u)
	}
	reason := fmt.Sprintf("%s：%s", who, strings.Join(names, "、"))
	if len(keep) > 1 {
		switch p.step.Mode {
		case ModeAnyOf:
			reason += "，任一人签批即可"
		case ModeAllOf:
			reason += "，须全部会签"
		case ModeKOfN:
			reason += fmt.Sprintf("，其中%d人签批即可", p.step.K)
		}
	}
	return strings.Join(append([]string{reason}, excluded...), "；"), nil
}

// why says why someone may not take role, e.g. "（已是本单经办人，经办人与审核人不相容）".
func (r *router) why(held, role Role) string {
	return fmt.Sprintf("（已是本单%s，%s与%s不相容）", r.d.RoleLabel(held), r.d.RoleLabel(held), r.d.RoleLabel(role))
}
