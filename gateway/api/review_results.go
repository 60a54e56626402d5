package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/service"
)

// The published review results (审核结果上墙公示), as JSON or CSV.

// ReviewResultsCSV is ReviewResults as a spreadsheet, for the page's download.
func (a *API) ReviewResultsCSV(w http.ResponseWriter, r *http.Request) {
	asCSV(a.ReviewResults)(w, r)
}

// ReviewResults answers the results of a period (format=csv for the spreadsheet).
func (a *API) ReviewResults(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	v, err := a.svc.ReviewResults(ctx, r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		writeCSV(w, fmt.Sprintf("review-results-%s.csv", v.From.Format(time.DateOnly)), reviewRows(v))
		return
	}
	door.WriteJSON(w, http.StatusOK, v)
}

// reviewRows lays the results out as one table: a row per department and decision (then the
// total), followed by a row per return or rejection with its reason.
func reviewRows(v service.ReviewResults) [][]string {
	rows := [][]string{{"section", "department", "decision", "decisions", "cases", "amount", "case", "reviewer", "at", "reason"}}
	counts := func(name string, d service.DepartmentReviews) {
		for _, dec := range service.ReviewDecisions {
			c := d.Count(dec)
			rows = append(rows, []string{"count", name, dec, strconv.Itoa(c.Decisions), strconv.Itoa(c.Cases), c.Amount.Plain(), "", "", "", ""})
		}
	}
	for _, d := range v.Departments {
		counts(d.Name, d)
	}
	counts("total", v.Total)
	for _, x := range v.Refusals {
		rows = append(rows, []string{"refusal", x.Department, x.Decision, "", "", x.Amount.Plain(), x.CaseID, x.Reviewer,
			x.At.UTC().Format(time.RFC3339), x.Reason})
	}
	return rows
}

// Reviews mounts the published review results.
func (a *API) Reviews(r chi.Router) {
	r.Get("/review-results", a.ReviewResults)
}
