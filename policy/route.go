package policy

import (
	"errors"
	"fmt"
	"signoff/i18n"
	"slices"
	"strconv"
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
		p.step.Pool, p.step.Seats = d.pool(f, plan, i)
		out.Steps = append(out.Steps, p.step)
	}
	return out, nil
}

// pool lists who may take step i over by transfer: everyone who holds the step's authority for
// this case (eligible, the very people routing chose its assignees from: the level's role, the
// witnesses of the case's department, the head of the department and those above), less anyone
// who holds an incompatible role on the case (as handler or as an assignee of another step). A
// transfer never hands a step to someone routing could not have given it to.
//
// A countersign's assignees each sign for a department, so its seats say who may take over each
// one's part: their department's head chain (the intersection, for someone signing for two).
func (d *Document) pool(f Facts, plan []plannedStep, i int) ([]string, map[string][]string) {
	held := map[Role][]string{RoleHandler: {f.Submitter}}
	for j, p := range plan {
		if j != i {
			held[p.step.Role] = append(held[p.step.Role], p.step.Assignees...)
		}
	}
	st := plan[i].step
	free := func(cands []string) []string {
		var out []string
		for _, u := range cands {
			if _, conflict := d.ConflictFor(held, u, st.Role); !conflict && !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
		return out
	}
	pool := slices.Clone(st.Assignees)
	for _, u := range free(d.eligible(plan[i].spec, f)) {
		if !slices.Contains(pool, u) {
			pool = append(pool, u)
		}
	}
	slices.Sort(pool)
	if plan[i].spec.kind != AssignDepartmentHeads {
		return pool, nil
	}
	seats := map[string][]string{}
	for _, id := range plan[i].spec.departments {
		if id == RequesterDepartment {
			id = f.Department
		}
		heads := d.headChain(id)
		k := slices.IndexFunc(heads, func(u string) bool { return slices.Contains(st.Assignees, u) })
		if k < 0 {
			continue
		}
		seat := free(heads)
		slices.Sort(seat)
		if prev, ok := seats[heads[k]]; ok {
			seat = slices.DeleteFunc(seat, func(u string) bool { return !slices.Contains(prev, u) })
		}
		seats[heads[k]] = seat
	}
	return pool, seats
}

// eligible lists who holds the authority of a step's assignee rule for this case, before
// segregation of duties, in the order routing tries them: the holders of a role (in the case's
// department for a per-department rule), or a department's head followed by their superiors up
// the organisation (for a countersign, every named department's). Routing and the transfer pool
// both ask it, so the authority of a step is written here once.
func (d *Document) eligible(spec assigneeSpec, f Facts) []string {
	switch spec.kind {
	case AssignDepartmentHead:
		return d.headChain(f.Department)
	case AssignDepartmentHeads:
		var out []string
		for _, id := range spec.departments {
			if id == RequesterDepartment {
				id = f.Department
			}
			for _, u := range d.headChain(id) {
				if !slices.Contains(out, u) {
					out = append(out, u)
				}
			}
		}
		return out
	case "department_role":
		return d.DepartmentHolders(f.Department, spec.role)
	default:
		return d.Holders(spec.role)
	}
}

// headChain is who may sign for a department's head: the head, then each superior above, once
// each (a cycle in an unvalidated document ends the chain).
func (d *Document) headChain(department string) []string {
	dep, ok := d.Department(department)
	if !ok {
		return nil
	}
	var out []string
	for cand := dep.Head; cand != "" && !slices.Contains(out, cand); cand = d.Superior(cand) {
		out = append(out, cand)
	}
	return out
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
		choice.Why = d.bandWhy(entry.Category, amount, choice)
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

// bandWhy says which band applies, e.g. "金额 12,000.00 属于默认审批权限 (5,000.00, 50,000.00] 档，
// 审批层级：部门负责人、财务总监".
func (d *Document) bandWhy(entry string, amount Money, b BandChoice) Why {
	labels := make([]string, 0, len(b.Levels))
	for _, key := range b.Levels {
		label := d.Levels[key].Label
		if label == "" {
			label = key
		}
		labels = append(labels, label)
	}
	p := Phrase{Key: "band_default", Args: []string{amount.String(), bandRange(b.Above, b.UpTo)}, List: labels}
	if entry != "*" {
		c, _ := d.Category(entry)
		p = Phrase{Key: "band_category", Args: []string{amount.String(), c.Name, bandRange(b.Above, b.UpTo)}, List: labels}
	}
	return Why{{p}}
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
	prefix Why // why the step is on the route, if that needs saying
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
				p.prefix = Why{{phrase("goods", cat.Name)}}
			case len(st.Categories) > 0:
				p.prefix = Why{{phrase("category_step", cat.Name)}}
			}
			plan = append(plan, p)
			continue
		}
		if overBudget {
			p, err := d.planned(*chain.OverBudgetStep)
			if err != nil {
				return nil, err
			}
			p.prefix = Why{{phrase("over_budget")}}
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
				spec: spec, prefix: band.Why,
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
	var who Why
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
	p.step.Why = append(slices.Clone(p.prefix), who...)
	r.held[p.step.Role] = append(r.held[p.step.Role], p.step.Assignees...)
	return nil
}

// departmentHead resolves to the head of the case's department, or, when the head may not sign,
// to the nearest superior who may.
func (r *router) departmentHead(p *plannedStep) (Why, error) {
	who, why, err := r.headOf(r.f.Department, p.step.Role)
	if err != nil {
		return nil, err
	}
	p.step.Assignees = []string{who}
	return Why{why}, nil
}

// departmentHeads resolves a countersign: the head of each of the step's departments (the
// case's own for "requester"), each replaced by a superior where they may not sign, everyone
// once.
func (r *router) departmentHeads(p *plannedStep) (Why, error) {
	clause := Clause{phrase("countersign")}
	p.step.Assignees = nil
	for _, id := range p.spec.departments {
		if id == RequesterDepartment {
			id = r.f.Department
		}
		who, why, err := r.headOf(id, p.step.Role)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(p.step.Assignees, who) {
			if len(p.step.Assignees) > 0 {
				clause = append(clause, phrase("and"))
			}
			p.step.Assignees = append(p.step.Assignees, who)
			clause = append(clause, why...)
		}
	}
	slices.Sort(p.step.Assignees)
	if len(p.step.Assignees) > 1 {
		clause = append(clause, phrase("all_agree"))
	}
	return Why{clause}, nil
}

// headOf finds who signs for a department's head in role: the first of its head chain (the
// head, then the superiors above) who holds no incompatible role on the case.
func (r *router) headOf(department string, role Role) (string, Clause, error) {
	dep, ok := r.d.Department(department)
	if !ok {
		return "", nil, fmt.Errorf("%w: department %q", ErrUnknownDepartment, department)
	}
	why := Clause{phrase("head", dep.Name, r.d.userName(dep.Head))}
	for i, cand := range r.d.headChain(department) {
		if i > 0 {
			why = append(why, phrase("superior", r.d.userName(cand)))
		}
		held, conflict := r.d.ConflictFor(r.held, cand, role)
		if !conflict {
			return cand, append(why, phrase("signs")), nil
		}
		why = append(why, r.conflict(held, role))
	}
	return "", nil, fmt.Errorf("%w: %s, and nobody above may sign", ErrNoAssignee, why.In(i18n.EN))
}

// holders resolves a role spec to every holder who may sign.
func (r *router) holders(p *plannedStep) (Why, error) {
	cands := r.d.eligible(p.spec, r.f)
	label := r.d.RoleLabel(p.spec.role)
	who, whom := Phrase{Key: "holders", Args: []string{label}}, label // whom names them in errors
	if p.spec.kind == "department_role" {
		dep := r.d.departmentName(r.f.Department)
		who, whom = Phrase{Key: "department_holders", Args: []string{dep, label}}, label+" of "+dep
	}
	var keep []string
	var excluded Why
	for _, u := range cands {
		if held, conflict := r.d.ConflictFor(r.held, u, p.step.Role); conflict {
			excluded = append(excluded, Clause{phrase("excluded", r.d.userName(u)), r.conflict(held, p.step.Role)})
			continue
		}
		keep = append(keep, u)
	}
	switch {
	case len(cands) == 0:
		return nil, fmt.Errorf("%w: nobody is %s (%s)", ErrNoAssignee, whom, p.spec.role)
	case len(keep) == 0:
		return nil, fmt.Errorf("%w: every %s (%s) is excluded: %s", ErrNoAssignee, whom, p.spec.role, excluded.In(i18n.EN))
	case p.step.Mode == ModeKOfN && len(keep) < p.step.K:
		return nil, fmt.Errorf("%w: %d of %s (%s) must sign but %d may", ErrNoAssignee, p.step.K, whom, p.spec.role, len(keep))
	}
	p.step.Assignees = keep
	for _, u := range keep {
		who.List = append(who.List, r.d.userName(u))
	}
	clause := Clause{who}
	if len(keep) > 1 {
		switch p.step.Mode {
		case ModeAnyOf:
			clause = append(clause, phrase("any_of"))
		case ModeAllOf:
			clause = append(clause, phrase("all_of"))
		case ModeKOfN:
			clause = append(clause, phrase("k_of", strconv.Itoa(p.step.K)))
		}
	}
	return append(Why{clause}, excluded...), nil
}

// conflict says why someone may not take role, e.g. "（已是本单经办人，经办人与审核人不相容）".
func (r *router) conflict(held, role Role) Phrase {
	return phrase("conflict", r.d.RoleLabel(held), r.d.RoleLabel(role))
}
