package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"signoff/service"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/xuri/excelize/v2"

	"signoff/kpi"
)

// The assessment page (考核): the completion rate (生产问题协调完成率) of a period for the center,
// every department and every representative, each number linking to the problems behind it, and
// the downloads: CSV (the API's) and XLSX (rates, then the problems behind the center's rate).

// kpiPages mounts the assessment pages.
func (s *server) kpiPages(r chi.Router) {
	r.Get("/kpi", s.kpiPage)
	r.Get("/kpi/problems", s.kpiProblemsPage)
	r.Get("/kpi/export.csv", s.kpiExportCSV)
	r.Get("/kpi/export.xlsx", s.kpiExportXLSX)
}

// kpiData is what the assessment page shows.
type kpiData struct {
	Period          periodForm
	Center          linkedRate
	Departments     []linkedRate
	Representatives []linkedRate
}

// periodPage starts a page of figures for a period: the page, and the period read from the
// query; false once an error page has been written instead.
func (s *server) periodPage(w http.ResponseWriter, r *http.Request, title string) (*page, kpi.Period, bool) {
	p := s.newPage(r, title)
	if p.doc == nil {
		s.errorPage(w, r, service.Internal(errNotFound))
		return nil, kpi.Period{}, false
	}
	period, err := s.kpiPeriod(r.URL.Query(), p.doc)
	if err != nil {
		s.errorPage(w, r, err)
		return nil, kpi.Period{}, false
	}
	return p, period, true
}

func (s *server) kpiPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, period, ok := s.periodPage(w, r, "ui.kpi.title")
	if !ok {
		return
	}
	v, err := s.completion(ctx, p.doc, period)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	d := kpiData{Period: newPeriodForm(r.URL.Query(), period, p.loc), Center: linked(v.Center, "center", period, p.loc)}
	for _, x := range v.Departments {
		d.Departments = append(d.Departments, linked(x, "department", period, p.loc))
	}
	for _, x := range v.Representatives {
		d.Representatives = append(d.Representatives, linked(x, "representative", period, p.loc))
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "kpi", p)
}

// kpiProblemsData is the drill-down behind one rate.
type kpiProblemsData struct {
	Period    periodForm
	Dimension string
	Key       string
	Name      string
	Rate      rateView
	Items     []behindView
}

func (s *server) kpiProblemsPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.kpi.problems.title")
	if p.doc == nil {
		s.errorPage(w, r, service.Internal(errNotFound))
		return
	}
	q := r.URL.Query()
	period, err := s.kpiPeriod(q, p.doc)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	dim := q.Get("dimension")
	if dim == "" {
		dim = "center"
	}
	if !slices.Contains(kpiDimensions, dim) {
		s.errorPage(w, r, service.FieldErrors{"dimension": {Key: "one_of", Args: []any{kpiDimensions}}}.Err())
		return
	}
	key := q.Get("key")
	if dim == "center" {
		key = ""
	}
	items, err := s.behind(ctx, dim, key, period)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	d := kpiProblemsData{Period: newPeriodForm(q, period, p.loc), Dimension: dim, Key: key, Name: key, Items: items}
	r0 := kpi.Rate{}
	for _, it := range items {
		r0.Due++
		if it.OnTime {
			r0.OnTime++
		}
	}
	d.Rate = rateView{Key: key, Due: r0.Due, OnTime: r0.OnTime, Rate: r0.Percent()}
	switch dim {
	case "department":
		d.Name = deptName(p.doc, key)
	case "representative":
		d.Name = userName(p.doc, key)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "kpi_problems", p)
}

// kpiExportCSV is the API's CSV of the rates, for a browser with a session.
func (s *server) kpiExportCSV(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	q.Set("format", "csv")
	r.URL.RawQuery = q.Encode()
	s.getCompletion(w, r)
}

// kpiExportXLSX writes the assessment workbook: a sheet of rates (the center first, then each
// department and each representative) and a sheet of the problems behind the center's rate.
func (s *server) kpiExportXLSX(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, period, ok := s.periodPage(w, r, "ui.kpi.title")
	if !ok {
		return
	}
	v, err := s.completion(ctx, p.doc, period)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	items, err := s.behind(ctx, "center", "", period)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	rates, problems := p.T("ui.kpi.sheet.rates"), p.T("ui.kpi.sheet.problems")
	if err := f.SetSheetName("Sheet1", rates); err != nil {
		s.errorPage(w, r, service.Internal(err))
		return
	}
	if _, err := f.NewSheet(problems); err != nil {
		s.errorPage(w, r, service.Internal(err))
		return
	}
	rows := [][]any{{p.T("ui.kpi.col.dimension"), p.T("ui.kpi.col.key"), p.T("ui.kpi.col.name"),
		p.T("ui.kpi.due"), p.T("ui.kpi.on_time"), p.T("ui.kpi.rate")}}
	add := func(dim string, x rateView) {
		var val any = kpi.NoRate
		if f := percentValue(x.Due, x.OnTime); f != nil {
			val = *f / 100
		}
		rows = append(rows, []any{p.T("ui.kpi.dimension." + dim), x.Key, x.Name, x.Due, x.OnTime, val})
	}
	add("center", v.Center)
	for _, x := range v.Departments {
		add("department", x)
	}
	for _, x := range v.Representatives {
		add("representative", x)
	}
	when := func(t *time.Time) any {
		if t == nil {
			return ""
		}
		return t.In(p.loc).Format("2006-01-02 15:04")
	}
	list := [][]any{{p.T("ui.kpi.col.id"), p.T("ui.kpi.col.title"), p.T("ui.kpi.col.status"), p.T("ui.kpi.col.due_at"),
		p.T("ui.kpi.col.closed_at"), p.T("ui.kpi.on_time"), p.T("ui.kpi.col.due_changes"), p.T("ui.kpi.col.reopened")}}
	for _, it := range items {
		list = append(list, []any{it.ID, it.Title, it.Status, when(it.DueAt), when(it.ClosedAt),
			p.T(map[bool]string{true: "ui.kpi.yes", false: "ui.kpi.no"}[it.OnTime]), it.DueChanges, it.Reopened})
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		s.errorPage(w, r, service.Internal(err))
		return
	}
	for sheet, data := range map[string][][]any{rates: rows, problems: list} {
		for i, row := range data {
			cell, _ := excelize.CoordinatesToCellName(1, i+1) // row and column are positive
			if err := f.SetSheetRow(sheet, cell, &row); err != nil {
				s.errorPage(w, r, service.Internal(err))
				return
			}
		}
	}
	if err := f.SetColStyle(rates, "F", pct); err != nil {
		s.errorPage(w, r, service.Internal(err))
		return
	}
	name := fmt.Sprintf("kpi-%s.xlsx", period.From.In(p.loc).Format(time.DateOnly))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_ = f.Write(w) // the client went away: nothing to tell it
}

// KPIHref is the drill-down of a rate row on the assessment page, keeping the page's period.
func (d kpiData) KPIHref(dimension, key string) string {
	q, _ := url.ParseQuery(d.Period.Query) // built by newPeriodForm
	q.Set("dimension", dimension)
	if key != "" {
		q.Set("key", key)
	}
	return "/kpi/problems?" + q.Encode()
}

// ExportHref is a download of the page's period.
func (d kpiData) ExportHref(kind string) string {
	return "/kpi/export." + strings.TrimPrefix(kind, ".") + "?" + d.Period.Query
}

// periodFormData is what the period selector renders.
type periodFormData struct {
	P       *page
	F       periodForm
	Action  string
	Choices []string
}

// PeriodForm is the period selector of a page posting back to action.
func (p *page) PeriodForm(f periodForm, action string) periodFormData {
	return periodFormData{P: p, F: f, Action: action, Choices: []string{"week", "month", "quarter", "custom"}}
}

// rateTable is one table of rates on the assessment page.
type rateTable struct {
	P         *page
	Title     string
	Dimension string
	Rows      []linkedRate
	D         kpiData
}

// RateTable is the table of one dimension's rates.
func (p *page) RateTable(title, dimension string, rows []linkedRate, d kpiData) rateTable {
	return rateTable{P: p, Title: title, Dimension: dimension, Rows: rows, D: d}
}
