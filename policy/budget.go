package policy

import "errors"

// How a case is charged to a budget line: which lines it may name, and whether the policy lets
// a case past its line's balance (then it routes through the chain's over-budget step) or
// refuses it. The validators of filed cases, the route previews and the forms all ask here.

// Why a budget line does not take a case.
var (
	ErrLineDepartment = errors.New("the budget line belongs to another department")
	ErrLineCategory   = errors.New("the budget line is kept for another category")
)

// Takes is nil when a case of department and category may be charged to the line: the line is
// the department's, and a line kept for one category takes only that category.
func (l BudgetLine) Takes(department, category string) error {
	switch {
	case l.Department != department:
		return ErrLineDepartment
	case l.Category != "" && l.Category != category:
		return ErrLineCategory
	}
	return nil
}

// RoutesOverBudget reports whether a case of kind that exceeds its budget line's balance is
// routed (through the chain's over-budget step) rather than refused.
func (d *Document) RoutesOverBudget(kind Kind) bool {
	return d.Chains[kind].OverBudget == OverBudgetRoute
}
