package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// Purchase requests: filing one and previewing its route, after the procurement rules. Decode,
// call the service (service/purchase.go, service/preview.go), encode.

// Purchases mounts the purchase request endpoints.
func (a *API) Purchases(r chi.Router) {
	r.Post("/purchase-requests", a.postPurchase)
	r.Post("/purchase-requests/route-preview", a.postPurchasePreview)
}

// postPurchase files a purchase request and answers with its case page once it is routed. With
// an Idempotency-Key, a retry returns the same case.
func (a *API) postPurchase(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	key, err := door.IdempotencyKey(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in service.PurchaseInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), a.actionTimeout)
	defer cancel()
	c, created, err := a.svc.SubmitPurchase(ctx, u, in, key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerFiled(w, r, u, c, created)
}

// postPurchasePreview checks a request against its supplier and plan and answers with the route
// it would take, without writing anything.
func (a *API) postPurchasePreview(w http.ResponseWriter, r *http.Request) {
	var in service.PurchaseInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	out, err := a.svc.PreviewPurchase(ctx, door.User(r.Context()), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, out)
}
