package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// A case and the actions on it: the case page as the API answers it, and a person's action,
// answered with the case page read back from Postgres, which the workflow has updated before
// the Update returns.

// Cases mounts the case page and the actions.
func (a *API) Cases(r chi.Router) {
	r.Get("/cases/{id}", a.getCase)
	r.Post("/cases/{id}/actions/{action}", a.act)
	r.Post("/cases/{id}/resubmission-preview", a.previewResubmission)
	r.Get("/cases/{id}/voucher.pdf", a.caseVoucher)
	r.Get("/cases/{id}/verify", a.verifyCase)
	r.Get("/cases/{id}/archive", a.caseArchive)
}

// caseArchive sends the closed case's archive package, as kept, to an auditor.
func (a *API) caseArchive(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	id := chi.URLParam(r, "id")
	pkg, err := a.svc.CaseArchive(ctx, door.User(r.Context()), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.SendArchive(w, id, pkg)
}

// caseVoucher sends the case printed as its paper voucher (PDF).
func (a *API) caseVoucher(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	id := chi.URLParam(r, "id")
	pdf, err := a.svc.Voucher(ctx, door.User(r.Context()), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.SendVoucher(w, id, pdf)
}

// verifyCase answers the verification of the case's seal ledger: 200 whether it is sound or
// not (ok, and the first broken seal).
func (a *API) verifyCase(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	rep, err := a.svc.VerifyCase(ctx, door.User(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, rep)
}

// getCase answers the case page.
func (a *API) getCase(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	d, err := a.svc.Case(ctx, door.User(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, d)
}

// previewResubmission answers which signed steps a resubmission with this correction (the
// resubmit action's body) would send back to their signers. It writes nothing.
func (a *API) previewResubmission(w http.ResponseWriter, r *http.Request) {
	var in service.ActionInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	out, err := a.svc.PreviewResubmission(ctx, door.User(r.Context()), chi.URLParam(r, "id"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, out)
}

// act carries out an action (approve, reject, return, transfer, add_signer, pay, resubmit…).
// An Idempotency-Key makes a retry the same action.
func (a *API) act(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	t, err := service.CaseActionType(chi.URLParam(r, "action"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	key, err := door.IdempotencyKey(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in service.ActionInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), a.actionTimeout)
	defer cancel()
	v, err := a.svc.Act(ctx, u, chi.URLParam(r, "id"), t, in, key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.svc.CaseDetailOf(ctx, u, v)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, d)
}
