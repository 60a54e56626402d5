package gateway

import (
	"context"
	"net/http"

	"signoff/service"
)

// Reference data for forms and pickers (service/reference.go): categories, budget lines with
// their balances, people.

type itemList[T any] struct {
	Items []T `json:"items"`
}

func (s *server) categories(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	items, err := s.svc.Categories(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, itemList[service.CategoryView]{Items: items})
}

func (s *server) budgetLines(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	items, err := s.svc.BudgetLines(ctx, r.URL.Query().Get("department"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, itemList[service.BudgetLineView]{Items: items})
}

func (s *server) users(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	items, err := s.svc.Users(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, itemList[service.UserView]{Items: items})
}
