package api

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// The production problem and coordination meeting endpoints: decode, call the service, encode.

// Problems mounts the production problem endpoints.
func (a *API) Problems(r chi.Router) {
	r.Post("/problems", a.postProblem)
	r.Get("/problems/{id}", a.getProblem)
	r.Post("/problems/{id}/actions/{action}", a.postProblemAction)
	r.Get("/problems/{id}/verify", a.verifyProblem)
}

func (a *API) postProblem(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	var in service.ProblemInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), a.actionTimeout)
	defer cancel()
	p, err := a.svc.RaiseProblem(ctx, u, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.svc.ProblemViewOf(ctx, u, p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/problems/"+p.ID)
	door.WriteJSON(w, http.StatusCreated, v)
}

func (a *API) getProblem(w http.ResponseWriter, r *http.Request) {
	v, err := a.svc.ProblemView(r.Context(), door.User(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, v)
}

func (a *API) postProblemAction(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	t, err := service.ProblemActionType(chi.URLParam(r, "action"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	key, err := door.IdempotencyKey(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in service.ProblemActionInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), a.actionTimeout)
	defer cancel()
	p, err := a.svc.ActOnProblem(ctx, u, chi.URLParam(r, "id"), t, in, key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v, err := a.svc.ProblemViewOf(ctx, u, p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, v)
}

func (a *API) postMeeting(w http.ResponseWriter, r *http.Request) {
	var in service.MeetingInput
	if err := door.DecodeJSON(r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	m, err := a.svc.RecordMeeting(r.Context(), door.User(r.Context()), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/meetings/"+m.ID)
	door.WriteJSON(w, http.StatusCreated, service.NewMeetingDetail(m))
}

func (a *API) getMeeting(w http.ResponseWriter, r *http.Request) {
	d, _, err := a.svc.Meeting(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, d)
}

// Meetings mounts the coordination meeting endpoints.
func (a *API) Meetings(r chi.Router) {
	r.Post("/meetings", a.postMeeting)
	r.Get("/meetings/{id}", a.getMeeting)
}

// verifyProblem answers the verification of the problem's ledger, as verifyCase does a case's.
func (a *API) verifyProblem(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	rep, err := a.svc.VerifyProblem(ctx, door.User(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	door.WriteJSON(w, http.StatusOK, rep)
}
