package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// Reference data for forms and pickers (service/reference.go): categories, budget lines with
// their balances, people.

type itemList[T any] struct {
	Items []T `json:"items"`
}

func (a *API) categories(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	items, err := a.svc.Categories(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, itemList[service.CategoryView]{Items: items})
}

func (a *API) budgetLines(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	items, err := a.svc.BudgetLines(ctx, r.URL.Query().Get("department"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, itemList[service.BudgetLineView]{Items: items})
}

func (a *API) users(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	items, err := a.svc.Users(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, itemList[service.UserView]{Items: items})
}

// Reference mounts the reference data for forms and pickers.
func (a *API) Reference(r chi.Router) {
	r.Get("/categories", a.categories)
	r.Get("/budget-lines", a.budgetLines)
	r.Get("/users", a.users)
}
