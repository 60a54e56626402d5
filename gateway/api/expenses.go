package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// Expense claims (and advances): filing one and previewing its route. Decode, call the service
// (service/claims.go, service/preview.go), encode.

// Expenses mounts the expense claim endpoints.
func (a *API) Expenses(r chi.Router) {
	r.Post("/expenses", a.postExpense)
	r.Post("/expenses/route-preview", a.postExpensePreview)
}

// postExpense files a claim and answers with its case page once it is routed. With an
// Idempotency-Key, a retry returns the same case.
func (a *API) postExpense(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	key, err := door.IdempotencyKey(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in service.ClaimInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), a.actionTimeout)
	defer cancel()
	c, created, err := a.svc.SubmitClaim(ctx, u, in, key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerFiled(w, r, u, c, created)
}

// postExpensePreview answers with the route a claim would take, without writing anything.
func (a *API) postExpensePreview(w http.ResponseWriter, r *http.Request) {
	var in service.ClaimInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	out, err := a.svc.PreviewClaim(ctx, door.User(r.Context()), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, out)
}
