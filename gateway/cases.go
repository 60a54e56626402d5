package gateway

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
)

// The case page's endpoint (the lists are gateway/api's).

// getCase answers the case page.
func (s *server) getCase(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	v, err := s.svc.VisibleCase(ctx, u, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.detail(ctx, u, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}
