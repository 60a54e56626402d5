package procure

import (
	"fmt"
	"slices"
	"time"

	"signoff/policy"
)

// RequestFacts is everything CheckRequest needs, loaded by the caller.
type RequestFacts struct {
	Day       time.Time // the request day, midnight UTC
	Supplier  Supplier  // with Certificates
	Category  string    // the request's policy category
	PlanID    string
	Plan      map[string]PlanLine // by material ID; a material missing here is not in the plan
	Materials map[string]Material // by ID
	Items     []Item
}

// CheckRequest reports every reason a purchase request may not start, or nil if it may: the
// supplier must not be suspended and must hold valid certificates, every material must belong
// to the request's category and suit the supplier, and the plan must have room for what is
// asked. Problems come supplier first, then items by index.
func CheckRequest(rules policy.Procurement, f RequestFacts) []Problem {
	problems := supplierProblems(rules.RequiredCertificates, f.Supplier, f.Day)
	for _, item := range itemProblems(rules.PlanCheck, f) {
		problems = append(problems, item...)
	}
	return problems
}

// supplierProblems checks the supplier's status and certificates on a day.
func supplierProblems(required []string, s Supplier, day time.Time) []Problem {
	var problems []Problem
	if s.Status == SupplierSuspended {
		problems = append(problems, Problem{"supplier_id", "supplier_suspended", []any{s.Name, s.StatusReason}})
	}
	byKind := map[string][]Certificate{}
	for _, c := range s.Certificates {
		byKind[c.Kind] = append(byKind[c.Kind], c)
	}
	for _, kind := range certificateKinds(required, byKind) {
		held := byKind[kind]
		if len(held) == 0 {
			problems = append(problems, Problem{"supplier_id", "certificate_missing", []any{kind}})
			continue
		}
		if !slices.ContainsFunc(held, func(c Certificate) bool { return c.ValidOn(day) }) {
			problems = append(problems, lapsed(kind, held, day))
		}
	}
	return problems
}

// certificateKinds lists the kinds to check: the required ones in the policy's order, then the
// other kinds the supplier holds, sorted, so that the problems come in a stable order.
func certificateKinds(required []string, held map[string][]Certificate) []string {
	var kinds []string
	for _, k := range required {
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	var extra []string
	for k := range held {
		if !slices.Contains(kinds, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	return append(kinds, extra...)
}

// lapsed explains why none of the held certificates of one kind is valid on day. When one is
// still to come it says when it starts, even if an older one has expired: the supplier has
// renewed and the request has only to wait. Otherwise it names the one that ended last.
func lapsed(kind string, held []Certificate, day time.Time) Problem {
	var next, last *Certificate
	for i := range held {
		c := &held[i]
		if c.ValidFrom.After(day) && (next == nil || c.ValidFrom.Before(next.ValidFrom)) {
			next = c
		}
		if last == nil || c.ValidTo.After(last.ValidTo) {
			last = c
		}
	}
	if next != nil {
		return Problem{"supplier_id", "certificate_not_yet_valid", []any{kind, next.Number, next.ValidFrom.Format(time.DateOnly)}}
	}
	return Problem{"supplier_id", "certificate_expired", []any{kind, last.Number, last.ValidTo.Format(time.DateOnly)}}
}

// itemProblems checks every item and the plan, returning the problems of each item by index.
// Plan problems go on the first line of their material, because the plan is checked against
// the material's total over all lines.
func itemProblems(planCheck string, f RequestFacts) [][]Problem {
	perItem := make([][]Problem, len(f.Items))
	var order []string          // materials in order of first appearance
	first := map[string]int{}   // material ID → index of its first line
	total := map[string]int64{} // material ID → quantity over all lines
	for i, it := range f.Items {
		perItem[i] = materialProblems(i, it, f)
		if it.Quantity <= 0 {
			perItem[i] = append(perItem[i], Problem{itemField(i, "quantity"), "quantity_positive", nil})
		}
		if _, known := f.Materials[it.MaterialID]; !known {
			continue
		}
		if _, seen := first[it.MaterialID]; !seen {
			first[it.MaterialID] = i
			order = append(order, it.MaterialID)
		}
		total[it.MaterialID] += it.Quantity
	}
	for _, id := range order {
		i := first[id]
		if p, bad := planProblem(planCheck, i, id, total[id], f); bad {
			perItem[i] = append(perItem[i], p)
		}
	}
	return perItem
}

// materialProblems checks one item's material against the request and its supplier.
func materialProblems(i int, it Item, f RequestFacts) []Problem {
	field := itemField(i, "material_id")
	m, ok := f.Materials[it.MaterialID]
	if !ok {
		return []Problem{{field, "unknown_material", []any{it.MaterialID}}}
	}
	var problems []Problem
	if m.Category != f.Category {
		problems = append(problems, Problem{field, "material_category", []any{m.Name, m.Category}})
	}
	if m.Strategic && !f.Supplier.Strategic {
		problems = append(problems, Problem{field, "strategic_supplier_required", []any{m.Name, f.Supplier.Name}})
	}
	if m.Key && f.Supplier.Kind == KindDistributor {
		problems = append(problems, Problem{field, "manufacturer_required", []any{m.Name, f.Supplier.Name}})
	}
	return problems
}

// planProblem checks the total requested of one material against its plan line; i is the
// material's first line. Exactly what is available passes.
func planProblem(planCheck string, i int, materialID string, requested int64, f RequestFacts) (Problem, bool) {
	m := f.Materials[materialID]
	line, ok := f.Plan[materialID]
	if !ok {
		return Problem{itemField(i, "material_id"), "not_in_plan", []any{m.Name, f.PlanID}}, true
	}
	available := line.Planned - line.Committed
	if planCheck == policy.PlanCheckPlanMinusStock {
		available -= line.Stock
	}
	available = max(available, 0)
	if requested <= available {
		return Problem{}, false
	}
	return Problem{itemField(i, "quantity"), "plan_exceeded",
		[]any{m.Name, requested, available, line.Planned, line.Committed, line.Stock}}, true
}

// itemField is the path of a field of the i-th item: "items[0].quantity".
func itemField(i int, name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
