package web

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/kpi"
	"signoff/service"
)

// The published review results (审核结果上墙公示): what the reviewers approved, returned and
// rejected per department in a period, and why, for everyone signed in; the CSV download is the
// API's (/review-results/export.csv, mounted by the gateway).

// reviewPages mounts the published review results.
func (s *server) reviewPages(r chi.Router) {
	r.Get("/review-results", s.reviewResultsPage)
}

// reviewData is what the page shows.
type reviewData struct {
	Period    periodForm
	Results   service.ReviewResults
	Decisions []string
}

// ExportHref is the CSV of the page's period.
func (d reviewData) ExportHref() string { return "/review-results/export.csv?" + d.Period.Query }

func (s *server) reviewResultsPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.reviews.title")
	v, err := s.svc.ReviewResults(ctx, r.URL.Query())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p.Data = reviewData{Period: newPeriodForm(r.URL.Query(), kpi.Period{From: v.From, To: v.To}, p.loc), Results: v, Decisions: service.ReviewDecisions}
	s.render(w, r, http.StatusOK, "review_results", p)
}
