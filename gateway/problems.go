package gateway

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/service"
)

// The production problem and coordination meeting endpoints: decode, call the service, encode.

// problemAPI registers the production problem endpoints.
func (s *server) problemAPI(r chi.Router) {
	r.Post("/problems", s.postProblem)
	r.Get("/problems/{id}", s.getProblem)
	r.Post("/problems/{id}/actions/{action}", s.postProblemAction)
}

func (s *server) postProblem(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	var in service.ProblemInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	p, err := s.svc.RaiseProblem(ctx, u, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.ProblemViewOf(ctx, u, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/problems/"+p.ID)
	writeJSON(w, http.StatusCreated, v)
}

func (s *server) getProblem(w http.ResponseWriter, r *http.Request) {
	v, err := s.svc.ProblemView(r.Context(), userFrom(r.Context()), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *server) postProblemAction(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	t, err := service.ProblemActionType(chi.URLParam(r, "action"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in service.ProblemActionInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.ActionTimeout)
	defer cancel()
	p, err := s.svc.ActOnProblem(ctx, u, chi.URLParam(r, "id"), t, in, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.svc.ProblemViewOf(ctx, u, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *server) postMeeting(w http.ResponseWriter, r *http.Request) {
	var in service.MeetingInput
	if err := decodeJSON(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.svc.RecordMeeting(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/meetings/"+m.ID)
	writeJSON(w, http.StatusCreated, service.NewMeetingDetail(m))
}

func (s *server) getMeeting(w http.ResponseWriter, r *http.Request) {
	d, _, err := s.svc.Meeting(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// meetingAPI registers the coordination meeting endpoints.
func (s *server) meetingAPI(r chi.Router) {
	r.Post("/meetings", s.postMeeting)
	r.Get("/meetings/{id}", s.getMeeting)
}
