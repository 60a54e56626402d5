package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/xuri/excelize/v2"

	"signoff/gateway/door"
	"signoff/kpi"
	"signoff/service"
)

// The assessment page (考核): the completion rate (生产问题协调完成率) of a period for the center,
// every department and every representative, each number linking to the problems behind it, and
// the downloads: CSV (the API's, /kpi/export.csv, mounted by the gateway) and XLSX (rates, then the problems behind the center's rate).

// kpiPages mounts the assessment pages.
func (s *server) kpiPages(r chi.Router) {
	r.Get("/kpi", s.kpiPage)
	r.Get("/kpi/problems", s.kpiProblemsPage)
	r.Get("/kpi/export.xlsx", s.kpiExportXLSX)
}

// kpiData is what the assessment page shows.
type kpiData struct {
	Period          periodForm
	Center          service.LinkedRate
	Departments     []service.LinkedRate
	Representatives []service.LinkedRate
}

func (s *server) kpiPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.kpi.title")
	a, err := s.svc.Assessment(ctx, r.URL.Query())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p.Data = kpiData{Period: newPeriodForm(r.URL.Query(), a.Period, p.loc), Center: a.Center,
		Departments: a.Departments, Representatives: a.Representatives}
	s.render(w, r, http.StatusOK, "kpi", p)
}

// kpiProblemsData is the drill-down behind one rate.
type kpiProblemsData struct {
	Period    periodForm
	Dimension string
	Key       string
	Name      string
	Rate      service.RateView
	Items     []service.BehindView
}

func (s *server) kpiProblemsPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.kpi.problems.title")
	q := r.URL.Query()
	b, err := s.svc.Behind(ctx, q)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	d := kpiProblemsData{Period: newPeriodForm(q, b.Period(), p.loc), Dimension: b.Dimension, Key: b.Key, Name: b.Key,
		Rate: b.Rate(), Items: b.Items}
	switch b.Dimension {
	case "department":
		d.Name = p.DeptName(b.Key)
	case "representative":
		d.Name = p.Person(b.Key)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "kpi_problems", p)
}

// kpiExportXLSX writes the assessment workbook: a sheet of rates (the center first, then each
// department and each representative) and a sheet of the problems behind the center's rate.
func (s *server) kpiExportXLSX(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.kpi.title")
	book, err := s.svc.AssessmentWorkbook(ctx, r.URL.Query())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	v, items, period := book.Rates, book.Center, book.Period
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
	add := func(dim string, x service.RateView) {
		var val any = kpi.NoRate
		if f := service.PercentValue(x.Due, x.OnTime); f != nil {
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
	door.FileHeaders(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", door.Attachment, name)
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
	return periodFormData{P: p, F: f, Action: action, Choices: service.KPIPeriods}
}

// rateTable is one table of rates on the assessment page.
type rateTable struct {
	P         *page
	Title     string
	Dimension string
	Rows      []service.LinkedRate
	D         kpiData
}

// RateTable is the table of one dimension's rates.
func (p *page) RateTable(title, dimension string, rows []service.LinkedRate, d kpiData) rateTable {
	return rateTable{P: p, Title: title, Dimension: dimension, Rows: rows, D: d}
}
