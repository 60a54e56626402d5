package gateway

import (
	"context"
	"fmt"
	"net/http"
	"signoff/service"

	"signoff/policy"
)

// Reference data for forms and pickers: categories, budget lines with their balances, people.
// Categories and people come from the current policy document; balances from Postgres.

type categoryView struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Goods bool   `json:"goods"` // goods are received (验收); services are not
}

type budgetLineView struct {
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

type userView struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	DepartmentID   string   `json:"department_id"`
	DepartmentName string   `json:"department_name"`
	Roles          []string `json:"roles"`
}

type itemList[T any] struct {
	Items []T `json:"items"`
}

func (s *server) categories(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.fail(w, r, service.Internal(fmt.Errorf("categories: %w", err)))
		return
	}
	out := itemList[categoryView]{Items: make([]categoryView, 0, len(doc.Categories))}
	for _, c := range doc.Categories {
		out.Items = append(out.Items, categoryView{ID: c.ID, Name: c.Name, Goods: c.Goods})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) budgetLines(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.fail(w, r, service.Internal(fmt.Errorf("budget lines: %w", err)))
		return
	}
	dept := r.URL.Query().Get("department")
	if _, ok := doc.Department(dept); dept != "" && !ok {
		s.fail(w, r, service.FieldErrors{"department": {Key: "unknown_department", Args: []any{dept}}}.Err())
		return
	}
	lines, err := s.store.BudgetLines(ctx, dept)
	if err != nil {
		s.fail(w, r, fmt.Errorf("budget lines: %w", err))
		return
	}
	out := itemList[budgetLineView]{Items: make([]budgetLineView, 0, len(lines))}
	for _, b := range lines {
		v := budgetLineView{ID: b.ID, Name: b.Name, DepartmentID: b.DepartmentID, Year: b.Year,
			Total: policy.Money(b.Total), Reserved: policy.Money(b.Reserved), Consumed: policy.Money(b.Consumed),
			Remaining: policy.Money(b.Remaining)}
		if pl, ok := doc.BudgetLine(b.ID); ok && pl.Category != "" {
			v.Category = &pl.Category
		}
		out.Items = append(out.Items, v)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *server) users(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.fail(w, r, service.Internal(fmt.Errorf("users: %w", err)))
		return
	}
	out := itemList[userView]{Items: make([]userView, 0, len(doc.Users))}
	for _, u := range doc.Users {
		dept, _ := doc.Department(u.Department)
		roles := make([]string, 0, len(u.Roles))
		for _, role := range u.Roles {
			roles = append(roles, string(role))
		}
		out.Items = append(out.Items, userView{ID: u.ID, Name: u.Name, DepartmentID: u.Department,
			DepartmentName: dept.Name, Roles: roles})
	}
	writeJSON(w, http.StatusOK, out)
}
