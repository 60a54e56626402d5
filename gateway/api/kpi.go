package api

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/text"
)

// The assessment endpoints: the completion rates of a period and the problems behind one, as
// JSON or CSV.

// CompletionCSV is Completion as a spreadsheet, for the assessment page's download.
func (a *API) CompletionCSV(w http.ResponseWriter, r *http.Request) { asCSV(a.Completion)(w, r) }

// asCSV answers with h's spreadsheet (format=csv), for a page's download link.
func asCSV(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Set("format", "csv")
		r.URL.RawQuery = q.Encode()
		h(w, r)
	}
}

// Completion answers the rates of a period (format=csv for the spreadsheet); the assessment
// page's export reuses it with the web session.
func (a *API) Completion(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	v, err := a.svc.Completion(ctx, r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		rows := [][]string{{"dimension", "key", "name", "due", "on_time", "rate"},
			{"center", "", "", strconv.Itoa(v.Center.Due), strconv.Itoa(v.Center.OnTime), v.Center.Rate}}
		for _, d := range v.Departments {
			rows = append(rows, []string{"department", d.Key, d.Name, strconv.Itoa(d.Due), strconv.Itoa(d.OnTime), d.Rate})
		}
		for _, d := range v.Representatives {
			rows = append(rows, []string{"representative", d.Key, d.Name, strconv.Itoa(d.Due), strconv.Itoa(d.OnTime), d.Rate})
		}
		writeCSV(w, fmt.Sprintf("completion-%s.csv", v.From.Format(time.DateOnly)), rows)
		return
	}
	door.WriteJSON(w, http.StatusOK, v)
}

func (a *API) getCompletionProblems(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	list, err := a.svc.Behind(ctx, r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("format") == "csv" {
		rows := [][]string{{"id", "title", "severity", "status", "due_at", "closed_at", "on_time", "due_changes", "reopened"}}
		for _, b := range list.Items {
			rows = append(rows, []string{b.ID, b.Title, b.Severity, b.Status, stamp(b.DueAt), stamp(b.ClosedAt),
				strconv.FormatBool(b.OnTime), strconv.Itoa(b.DueChanges), strconv.Itoa(b.Reopened)})
		}
		writeCSV(w, fmt.Sprintf("completion-%s-%s.csv", list.Dimension, list.From.Format(time.DateOnly)), rows)
		return
	}
	door.WriteJSON(w, http.StatusOK, list)
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// writeCSV sends rows as a CSV download (UTF-8 with a byte-order mark, so spreadsheets read the
// Chinese correctly). Every export goes through it, and every cell through text.SpreadsheetCell,
// so a typed title or reason starting with = is shown, never evaluated.
func writeCSV(w http.ResponseWriter, filename string, rows [][]string) {
	door.FileHeaders(w, "text/csv; charset=utf-8", door.Attachment, filename)
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	for _, row := range rows {
		safe := make([]string, len(row))
		for i, cell := range row {
			safe[i] = text.SpreadsheetCell(cell)
		}
		if cw.Write(safe) != nil {
			return // the client went away: nothing to tell it
		}
	}
	cw.Flush()
}

// KPI mounts the assessment endpoints.
func (a *API) KPI(r chi.Router) {
	r.Get("/kpi/completion", a.Completion)
	r.Get("/kpi/completion/problems", a.getCompletionProblems)
}
