package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/i18n"
	"signoff/service"
)

// The API of purchase orders (采购订单): the list, an order, and what is done to one, a delivery
// received, the supplier's invoice and refused goods settled. Decode, call the service, encode;
// the order page does the same through the same operations.

// Orders mounts the API of purchase orders and their return tasks.
func (a *API) Orders(r chi.Router) {
	r.Get("/orders", a.listOrders)
	r.Get("/orders/{id}", a.getOrder)
	r.Post("/orders/{id}/deliveries", a.postDelivery)
	r.Post("/orders/{id}/invoice", a.postInvoice)
	r.Post("/return-tasks/{id}/resolve", a.postReturnResolution)
}

// listOrders lists purchase orders, newest first, narrowed by status.
func (a *API) listOrders(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := a.svc.Orders(ctx, door.User(r.Context()), r.URL.Query().Get("status"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, list)
}

// getOrder answers an order the caller may see.
func (a *API) getOrder(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	v, err := a.svc.Order(ctx, door.User(r.Context()), chi.URLParam(r, "id"), i18n.EN)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, v)
}

// postDelivery registers a delivery and answers with each line's verdict.
func (a *API) postDelivery(w http.ResponseWriter, r *http.Request) {
	key, err := door.IdempotencyKey(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in service.DeliveryInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), a.actionTimeout)
	defer cancel()
	res, err := a.svc.Receive(ctx, door.User(r.Context()), chi.URLParam(r, "id"), in, key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusCreated, service.DeliveryResultOf(res, i18n.EN))
}

// postInvoice registers the supplier's invoice and answers with the order.
func (a *API) postInvoice(w http.ResponseWriter, r *http.Request) {
	key, err := door.IdempotencyKey(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in service.InvoiceInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), a.actionTimeout)
	defer cancel()
	o, err := a.svc.RegisterInvoice(ctx, door.User(r.Context()), chi.URLParam(r, "id"), in, key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.svc.OrderViewOf(ctx, o, i18n.EN)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, v)
}

// postReturnResolution settles a return task with the supplier.
func (a *API) postReturnResolution(w http.ResponseWriter, r *http.Request) {
	var in service.ReturnResolution
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	t, err := a.svc.ResolveReturn(ctx, door.User(r.Context()), chi.URLParam(r, "id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, t)
}
