package api

import (
	"fmt"
	"net/http"

	"signoff/gateway/door"
	"signoff/store"
)

// answerFiled answers a filing (a claim, a purchase request) with the new case's page: 201 when
// it was filed now, 200 when the idempotency key named an earlier one.
func (a *API) answerFiled(w http.ResponseWriter, r *http.Request, u store.User, c store.Case, created bool) {
	d, err := a.svc.Case(r.Context(), u, c.ID)
	if err != nil {
		a.fail(w, r, fmt.Errorf("submit %s: %w", c.ID, err))
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	door.WriteJSON(w, status, d)
}
