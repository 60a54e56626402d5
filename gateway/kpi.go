package gateway

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"signoff/service"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/kpi"
	"signoff/policy"
)

// Dimensions of the completion rate.
var kpiDimensions = []string{"center", "department", "representative"}

// kpiPeriod reads the period of a KPI request: period=week|month|quarter around at=YYYY-MM-DD
// (today by default), or period=custom with from and to (both days included), in the policy's
// timezone.
func (s *server) kpiPeriod(q url.Values, doc *policy.Document) (kpi.Period, error) {
	loc, err := loadLocation(doc.Calendar.Timezone)
	if err != nil {
		return kpi.Period{}, service.Internal(err)
	}
	bad := service.FieldErrors{}
	day := func(name string) time.Time {
		v := q.Get(name)
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			bad.Add(name, "date")
		}
		return d
	}
	at := day("at")
	if at.IsZero() {
		at = s.now().In(loc)
	}
	var p kpi.Period
	switch period := q.Get("period"); period {
	case "week":
		p = kpi.Week(at, loc)
	case "", "month":
		p = kpi.Month(at, loc)
	case "quarter":
		p = kpi.Quarter(at, loc)
	case "custom":
		from, to := day("from"), day("to")
		switch {
		case from.IsZero():
			bad.Add("from", "required")
		case to.IsZero():
			bad.Add("to", "required")
		default:
			if p, err = kpi.Custom(from, to.AddDate(0, 0, 1)); err != nil {
				bad.Add("to", "period_empty")
			}
		}
	default:
		bad.Add("period", "one_of", []string{"week", "month", "quarter", "custom"})
	}
	return p, bad.Err()
}

// rateView is one completion rate as clients see it.
type rateView struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Due    int    `json:"due"`
	OnTime int    `json:"on_time"`
	Rate   string `json:"rate"` // "54.5%", or "—" when nothing was due
}

type completionView struct {
	From            time.Time  `json:"from"`
	To              time.Time  `json:"to"` // exclusive
	Center          rateView   `json:"center"`
	Departments     []rateView `json:"departments"`
	Representatives []rateView `json:"representatives"`
}

// completion reads the completion rates of a period for the center, every department and every
// representative, from the counts the problems' workflows keep.
func (s *server) completion(ctx context.Context, doc *policy.Document, p kpi.Period) (completionView, error) {
	v := completionView{From: p.From, To: p.To, Center: rateView{Rate: kpi.Rate{}.Percent()},
		Departments: []rateView{}, Representatives: []rateView{}}
	var people []string
	for _, dim := range kpiDimensions {
		rows, err := s.store.CompletionRates(ctx, dim, p.From, p.To)
		if err != nil {
			return completionView{}, err
		}
		for _, r := range rows {
			rv := rateView{Key: r.Key, Due: r.Due, OnTime: r.OnTime, Rate: kpi.Rate{Due: r.Due, OnTime: r.OnTime}.Percent()}
			switch dim {
			case "center":
				v.Center = rv
			case "department":
				rv.Name = r.Key
				if d, ok := doc.Department(r.Key); ok {
					rv.Name = d.Name
				}
				v.Departments = append(v.Departments, rv)
			default:
				v.Representatives = append(v.Representatives, rv)
				people = append(people, r.Key)
			}
		}
	}
	names, err := s.names(ctx, people)
	if err != nil {
		return completionView{}, err
	}
	for i, r := range v.Representatives {
		v.Representatives[i].Name = names.ref(r.Key).Name
	}
	return v, nil
}

// behindView is one problem behind a completion rate.
type behindView struct {
	ID         string     `json:"id"`
	Title      string     `json:"title"`
	Severity   string     `json:"severity"`
	Status     string     `json:"status"`
	DueAt      *time.Time `json:"due_at"`
	ClosedAt   *time.Time `json:"closed_at"`
	OnTime     bool       `json:"on_time"`
	DueChanges int        `json:"due_changes"`
	Reopened   int        `json:"reopened"`
}

// behind lists the problems behind one rate.
func (s *server) behind(ctx context.Context, dimension, key string, p kpi.Period) ([]behindView, error) {
	ps, onTime, err := s.store.BehindRate(ctx, dimension, key, p.From, p.To, 5000)
	if err != nil {
		return nil, err
	}
	out := make([]behindView, 0, len(ps))
	for i, pr := range ps {
		out = append(out, behindView{ID: pr.ID, Title: pr.Title, Severity: pr.Severity, Status: pr.Status,
			DueAt: pr.DueAt, ClosedAt: pr.ClosedAt, OnTime: onTime[i], DueChanges: pr.DueChanges, Reopened: pr.Reopened})
	}
	return out, nil
}

func (s *server) getCompletion(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.fail(w, r, service.Internal(err))
		return
	}
	p, err := s.kpiPeriod(r.URL.Query(), doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.completion(ctx, doc, p)
	if err != nil {
		s.fail(w, r, err)
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
		writeCSV(w, fmt.Sprintf("completion-%s.csv", p.From.Format(time.DateOnly)), rows)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (s *server) getCompletionProblems(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.fail(w, r, service.Internal(err))
		return
	}
	q := r.URL.Query()
	p, err := s.kpiPeriod(q, doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	dim := q.Get("dimension")
	if dim == "" {
		dim = "center"
	}
	if !slices.Contains(kpiDimensions, dim) {
		s.fail(w, r, service.FieldErrors{"dimension": {Key: "one_of", Args: []any{kpiDimensions}}}.Err())
		return
	}
	list, err := s.behind(ctx, dim, q.Get("key"), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if q.Get("format") == "csv" {
		rows := [][]string{{"id", "title", "severity", "status", "due_at", "closed_at", "on_time", "due_changes", "reopened"}}
		for _, b := range list {
			rows = append(rows, []string{b.ID, b.Title, b.Severity, b.Status, stamp(b.DueAt), stamp(b.ClosedAt),
				strconv.FormatBool(b.OnTime), strconv.Itoa(b.DueChanges), strconv.Itoa(b.Reopened)})
		}
		writeCSV(w, fmt.Sprintf("completion-%s-%s.csv", dim, p.From.Format(time.DateOnly)), rows)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": p.From, "to": p.To, "dimension": dim, "key": q.Get("key"), "items": list})
}

func stamp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// writeCSV sends rows as a CSV download (UTF-8 with a byte-order mark, so spreadsheets read the
// Chinese correctly).
func writeCSV(w http.ResponseWriter, filename string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	_, _ = w.Write([]byte("\ufeff"))
	cw := csv.NewWriter(w)
	_ = cw.WriteAll(rows) // the client went away: nothing to tell it
}

// kpiAPI registers the assessment endpoints.
func (s *server) kpiAPI(r chi.Router) {
	r.Get("/kpi/completion", s.getCompletion)
	r.Get("/kpi/completion/problems", s.getCompletionProblems)
}
