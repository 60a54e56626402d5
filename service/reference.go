package service

import (
	"context"
	"fmt"

	"signoff/policy"
)

// Reference data for forms and pickers: categories, budget lines with their balances, people.
// Categories and people come from the current policy document; balances from Postgres.

// CategoryView is a category a claim may be filed under.
type CategoryView struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Goods bool   `json:"goods"` // goods are received (验收); services are not
}

// BudgetLineView is a budget line and what is left of it.
type BudgetLineView struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	DepartmentID string       `json:"department_id"`
	Year         int          `json:"year"`
	Category     *string      `json:"category"` // the only category it may be claimed for, or null
	Total        policy.Money `json:"total"`
	Reserved     policy.Money `json:"reserved"`
	Consumed     policy.Money `json:"consumed"`
	Remaining    policy.Money `json:"remaining"`
}

// UserView is a person of the organisation.
type UserView struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	DepartmentID   string   `json:"department_id"`
	DepartmentName string   `json:"department_name"`
	Roles          []string `json:"roles"`
}

// Categories lists the current policy's categories.
func (s *Service) Categories(ctx context.Context) ([]CategoryView, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil, Internal(fmt.Errorf("categories: %w", err))
	}
	out := make([]CategoryView, 0, len(doc.Categories))
	for _, c := range doc.Categories {
		out = append(out, CategoryView{ID: c.ID, Name: c.Name, Goods: c.Goods})
	}
	return out, nil
}

// BudgetLines lists the budget lines of a department of the current policy ("" for every
// department) with their balances.
func (s *Service) BudgetLines(ctx context.Context, department string) ([]BudgetLineView, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil, Internal(fmt.Errorf("budget lines: %w", err))
	}
	if _, ok := doc.Department(department); department != "" && !ok {
		return nil, FieldErrors{"department": {Key: "unknown_department", Args: []any{department}}}.Err()
	}
	lines, err := s.store.BudgetLines(ctx, department)
	if err != nil {
		return nil, fmt.Errorf("budget lines: %w", err)
	}
	out := make([]BudgetLineView, 0, len(lines))
	for _, b := range lines {
		v := BudgetLineView{ID: b.ID, Name: b.Name, DepartmentID: b.DepartmentID, Year: b.Year,
			Total: policy.Money(b.Total), Reserved: policy.Money(b.Reserved), Consumed: policy.Money(b.Consumed),
			Remaining: policy.Money(b.Remaining)}
		if pl, ok := doc.BudgetLine(b.ID); ok && pl.Category != "" {
			v.Category = &pl.Category
		}
		out = append(out, v)
	}
	return out, nil
}

// Users lists the current policy's people with their departments and roles.
func (s *Service) Users(ctx context.Context) ([]UserView, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil, Internal(fmt.Errorf("users: %w", err))
	}
	out := make([]UserView, 0, len(doc.Users))
	for _, u := range doc.Users {
		dept, _ := doc.Department(u.Department)
		roles := make([]string, 0, len(u.Roles))
		for _, role := range u.Roles {
			roles = append(roles, string(role))
		}
		out = append(out, UserView{ID: u.ID, Name: u.Name, DepartmentID: u.Department, DepartmentName: dept.Name, Roles: roles})
	}
	return out, nil
}
