package policy

import (
	"errors"
	"testing"
)

func TestBudgetLineTakes(t *testing.T) {
	open := BudgetLine{ID: "sales-misc", Department: "sales"}
	travel := BudgetLine{ID: "sales-travel", Department: "sales", Category: "travel"}
	tests := []struct {
		name                 string
		line                 BudgetLine
		department, category string
		want                 error
	}{
		{"any category on an open line", open, "sales", "meals", nil},
		{"its category on a kept line", travel, "sales", "travel", nil},
		{"another category on a kept line", travel, "sales", "meals", ErrLineCategory},
		{"no category on a kept line", travel, "sales", "", ErrLineCategory},
		{"another department", open, "eng", "meals", ErrLineDepartment},
		{"another department and category", travel, "eng", "meals", ErrLineDepartment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.line.Takes(tt.department, tt.category); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Errorf("Takes(%q, %q) = %v, want %v", tt.department, tt.category, err, tt.want)
			}
		})
	}
}

func TestRoutesOverBudget(t *testing.T) {
	d := &Document{Chains: map[Kind]Chain{KindExpense: {OverBudget: OverBudgetRoute}, KindProcurement: {OverBudget: OverBudgetRefuse}}}
	if !d.RoutesOverBudget(KindExpense) {
		t.Error("an expense chain with over_budget route refuses")
	}
	if d.RoutesOverBudget(KindProcurement) || d.RoutesOverBudget(KindReceipt) {
		t.Error("a chain without over_budget route routes over budget")
	}
}
