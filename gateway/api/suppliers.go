package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// The API of the supplier master data (供应商), materials and purchase plans: decode, call the
// service, encode. The supplier pages change suppliers through the same operations.

// Suppliers mounts the API of suppliers, materials and plans.
func (a *API) Suppliers(r chi.Router) {
	r.Get("/suppliers", a.listSuppliers)
	r.Post("/suppliers", a.createSupplier)
	r.Get("/suppliers/{id}", a.getSupplier)
	r.Patch("/suppliers/{id}", a.patchSupplier)
	r.Post("/suppliers/{id}/status", a.postSupplierStatus)
	r.Post("/suppliers/{id}/certificates", a.postSupplierCertificate)
	r.Get("/materials", a.listMaterials)
	r.Get("/plans", a.listPlans)
}

// listSuppliers answers the suppliers the query lets through, by ID.
func (a *API) listSuppliers(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := a.svc.Suppliers(ctx, r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, list)
}

// getSupplier answers one supplier with its certificates and audit trail.
func (a *API) getSupplier(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := a.svc.Supplier(ctx, chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, d)
}

// createSupplier records a new, admitted supplier and answers with it, where it lives.
func (a *API) createSupplier(w http.ResponseWriter, r *http.Request) {
	var in service.SupplierInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := a.svc.CreateSupplier(ctx, door.User(r.Context()), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/suppliers/"+d.ID)
	door.WriteJSON(w, http.StatusCreated, d)
}

// patchSupplier changes a supplier's fields.
func (a *API) patchSupplier(w http.ResponseWriter, r *http.Request) {
	var in service.SupplierPatch
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := a.svc.ChangeSupplier(ctx, door.User(r.Context()), chi.URLParam(r, "id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, d)
}

// postSupplierStatus admits or suspends a supplier.
func (a *API) postSupplierStatus(w http.ResponseWriter, r *http.Request) {
	var in service.SupplierStatusInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := a.svc.SetSupplierStatus(ctx, door.User(r.Context()), chi.URLParam(r, "id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, d)
}

// postSupplierCertificate records a certificate with its scan.
func (a *API) postSupplierCertificate(w http.ResponseWriter, r *http.Request) {
	var in service.CertificateInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	c, err := a.svc.AddCertificate(ctx, door.User(r.Context()), chi.URLParam(r, "id"), in, service.FieldErrors{})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusCreated, c)
}

// listMaterials answers every material.
func (a *API) listMaterials(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := a.svc.Materials(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, list)
}

// listPlans answers the purchase plans of a department, or of every department.
func (a *API) listPlans(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := a.svc.Plans(ctx, r.URL.Query().Get("department"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, list)
}
