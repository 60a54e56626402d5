package gateway

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"signoff/service"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/kpi"
	"signoff/policy"
	"signoff/store"
)

// The boards (看板): the control center's big screen (planning level: the whole enterprise), the
// model board (型号管理层) and the execution board (订单执行层: batches down the BOM). Their
// figures come from the store's board queries, whose definitions are the kpi package's (see
// kpi/board.go): open means published and not closed (solved but not verified is open), overdue
// means open and due before now, every count over the problems that count (published, neither
// rejected nor merged). The same JSON feeds the API (/api/v1/boards/…) and the big screen's
// refresh (/boards/center.json, with the web session). Every figure carries the link to the
// problems behind it: the KPI drill-down for a rate, a problems list for a count.

func init() {
	pageNames = append(pageNames, "boards_center", "boards_models", "boards_execution", "kpi", "kpi_problems")
}

// boardRefreshSeconds is how often the big screen re-reads its figures.
const boardRefreshSeconds = 60

// boardPages mounts the boards and the assessment pages.
func (s *server) boardPages(r chi.Router) {
	r.Get("/boards/center", s.boardCenterPage)
	r.Get("/boards/center.json", s.getBoardCenter)
	r.Get("/boards/models", s.boardModelsPage)
	r.Get("/boards/execution", s.boardExecutionPage)
	s.kpiPages(r)
}

// boardAPI registers the boards' JSON endpoints.
func (s *server) boardAPI(r chi.Router) {
	r.Get("/boards/center", s.getBoardCenter)
	r.Get("/boards/models", s.getBoardModels)
	r.Get("/boards/execution", s.getBoardExecution)
}

// countView is one count with its name and the link to the problems behind it.
type countView struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	N    int    `json:"n"`
	Href string `json:"href"`
}

// linkedRate is a completion rate with its value for charts and its drill-down.
type linkedRate struct {
	rateView
	Value *float64 `json:"value"` // percent with one decimal; null when nothing was due
	Href  string   `json:"href"`
}

// deptBoard is one department's open problems.
type deptBoard struct {
	Key         string      `json:"key"`
	Name        string      `json:"name"`
	Open        int         `json:"open"`
	Overdue     int         `json:"overdue"`
	OpenHref    string      `json:"open_href"`
	OverdueHref string      `json:"overdue_href"`
	BySeverity  []countView `json:"by_severity"`
}

// ratesBoard is the completion rate of one period for the center and every department.
type ratesBoard struct {
	From        time.Time    `json:"from"`
	To          time.Time    `json:"to"` // exclusive
	Center      linkedRate   `json:"center"`
	Departments []linkedRate `json:"departments"`
}

// centerBoard is the control center's big screen.
type centerBoard struct {
	At               time.Time    `json:"at"`
	Open             int          `json:"open"`
	Overdue          int          `json:"overdue"`
	OpenHref         string       `json:"open_href"`
	OverdueHref      string       `json:"overdue_href"`
	Severities       []countView  `json:"severities"`
	Departments      []deptBoard  `json:"departments"`
	Ages             []countView  `json:"ages"` // under_1d, 1_3d, 3_7d, 7d_plus
	Month            ratesBoard   `json:"month"`
	Quarter          ratesBoard   `json:"quarter"`
	Trend            []linkedRate `json:"trend"` // 12 weeks, oldest first; Key is the week's Monday
	Escalations      []countView  `json:"escalations"`
	EscalationsTotal int          `json:"escalations_total"`
	EscalationsFrom  time.Time    `json:"escalations_from"` // the last 30 days
	EscalationsHref  string       `json:"escalations_href"`
	Closed           int          `json:"closed"`           // closed in the last 30 days
	MeanCloseHours   *float64     `json:"mean_close_hours"` // their mean time from publication to closure
	ClosedHref       string       `json:"closed_href"`
}

// problemsHref is the problems list filtered by the given query pairs.
func problemsHref(pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			q.Set(pairs[i], pairs[i+1])
		}
	}
	if len(q) == 0 {
		return "/problems"
	}
	return "/problems?" + q.Encode()
}

// kpiHref is the drill-down behind a completion rate of a period.
func kpiHref(dimension, key string, p kpi.Period, loc *time.Location) string {
	q := url.Values{"dimension": {dimension}, "period": {"custom"},
		"from": {p.From.In(loc).Format(time.DateOnly)}, "to": {p.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)}}
	if key != "" {
		q.Set("key", key)
	}
	return "/kpi/problems?" + q.Encode()
}

func percentValue(due, onTime int) *float64 {
	if due == 0 {
		return nil
	}
	v := math.Round(1000*float64(onTime)/float64(due)) / 10
	return &v
}

func linked(r rateView, dimension string, p kpi.Period, loc *time.Location) linkedRate {
	return linkedRate{rateView: r, Value: percentValue(r.Due, r.OnTime), Href: kpiHref(dimension, r.Key, p, loc)}
}

func severityName(doc *policy.Document, id string) string {
	if sv, ok := doc.Production.Severity(id); ok && sv.Label != "" {
		return sv.Label
	}
	return id
}

func deptName(doc *policy.Document, id string) string {
	if d, ok := doc.Department(id); ok {
		return d.Name
	}
	return id
}

// boardLocation is the policy's timezone, in which days, weeks and months are read.
func boardLocation(doc *policy.Document) (*time.Location, error) {
	loc, err := loadLocation(doc.Calendar.Timezone)
	if err != nil {
		return nil, service.Internal(err)
	}
	return loc, nil
}

func (s *server) ratesBoard(ctx context.Context, doc *policy.Document, p kpi.Period, loc *time.Location) (ratesBoard, error) {
	v, err := s.completion(ctx, doc, p)
	if err != nil {
		return ratesBoard{}, err
	}
	out := ratesBoard{From: p.From, To: p.To, Center: linked(v.Center, "center", p, loc), Departments: []linkedRate{}}
	for _, d := range v.Departments {
		out.Departments = append(out.Departments, linked(d, "department", p, loc))
	}
	return out, nil
}

// centerBoard reads every figure of the big screen at the present instant.
func (s *server) centerBoard(ctx context.Context, doc *policy.Document) (centerBoard, error) {
	loc, err := boardLocation(doc)
	if err != nil {
		return centerBoard{}, err
	}
	now := s.now()
	b := centerBoard{At: now, OpenHref: problemsHref("open", "1"), OverdueHref: problemsHref("overdue", "1"),
		Severities: []countView{}, Departments: []deptBoard{}, Escalations: []countView{}}
	open, err := s.store.OpenProblems(ctx, now)
	if err != nil {
		return centerBoard{}, err
	}
	for _, c := range open.BySeverity {
		b.Open += c.N
		b.Severities = append(b.Severities, countView{Key: c.Key, Name: severityName(doc, c.Key), N: c.N,
			Href: problemsHref("open", "1", "severity", c.Key)})
	}
	b.Overdue = open.Overdue
	b.Ages = []countView{
		{Key: "under_1d", N: open.Ages.UnderOneDay, Href: problemsHref("age", "under_1d")},
		{Key: "1_3d", N: open.Ages.OneToThreeDays, Href: problemsHref("age", "1_3d")},
		{Key: "3_7d", N: open.Ages.ThreeToSevenDays, Href: problemsHref("age", "3_7d")},
		{Key: "7d_plus", N: open.Ages.SevenDaysOrMore, Href: problemsHref("age", "7d_plus")},
	}
	rows, err := s.store.OpenByDepartment(ctx, now)
	if err != nil {
		return centerBoard{}, err
	}
	for _, r := range rows {
		if len(b.Departments) == 0 || b.Departments[len(b.Departments)-1].Key != r.Department {
			b.Departments = append(b.Departments, deptBoard{Key: r.Department, Name: deptName(doc, r.Department),
				OpenHref: problemsHref("open", "1", "department", r.Department), OverdueHref: problemsHref("department", r.Department, "overdue", "1")})
		}
		d := &b.Departments[len(b.Departments)-1]
		d.Open += r.Open
		d.Overdue += r.Overdue
		d.BySeverity = append(d.BySeverity, countView{Key: r.Severity, Name: severityName(doc, r.Severity), N: r.Open,
			Href: problemsHref("open", "1", "department", r.Department, "severity", r.Severity)})
	}
	if b.Month, err = s.ratesBoard(ctx, doc, kpi.Month(now, loc), loc); err != nil {
		return centerBoard{}, err
	}
	if b.Quarter, err = s.ratesBoard(ctx, doc, kpi.Quarter(now, loc), loc); err != nil {
		return centerBoard{}, err
	}
	weeks := kpi.Weeks(now, 12, loc)
	trend, err := s.store.CenterTrend(ctx, weeks)
	if err != nil {
		return centerBoard{}, err
	}
	for i, r := range trend {
		rv := rateView{Key: r.Key, Due: r.Due, OnTime: r.OnTime, Rate: r.Percent()}
		lr := linked(rv, "center", weeks[i], loc)
		lr.Href = kpiHref("center", "", weeks[i], loc)
		b.Trend = append(b.Trend, lr)
	}
	last30 := kpi.Period{From: now.AddDate(0, 0, -30), To: now}
	b.EscalationsFrom = last30.From
	b.EscalationsHref = problemsHref("escalated_from", last30.From.In(loc).Format(time.DateOnly),
		"escalated_to", now.In(loc).Format(time.DateOnly))
	esc, err := s.store.EscalationsPerDay(ctx, last30.From, last30.To, loc)
	if err != nil {
		return centerBoard{}, err
	}
	for _, c := range esc {
		b.EscalationsTotal += c.N
		b.Escalations = append(b.Escalations, countView{Key: c.Key, Name: c.Key, N: c.N,
			Href: problemsHref("escalated_from", c.Key, "escalated_to", c.Key)})
	}
	ttc, err := s.store.TimeToClose(ctx, last30.From, last30.To)
	if err != nil {
		return centerBoard{}, err
	}
	b.Closed, b.ClosedHref = ttc.Closed, problemsHref("status", "closed")
	if m, ok := ttc.Mean(); ok {
		h := math.Round(m.Hours()*10) / 10
		b.MeanCloseHours = &h
	}
	return b, nil
}

// modelRow is one model's figures with their links.
type modelRow struct {
	store.ModelFigures
	Rate        string   `json:"rate"`
	Value       *float64 `json:"value"`
	Href        string   `json:"href"` // the model's problems
	OverdueHref string   `json:"overdue_href"`
	ClosedHref  string   `json:"closed_href"`
}

type modelsBoard struct {
	At     time.Time  `json:"at"`
	From   time.Time  `json:"from"`
	To     time.Time  `json:"to"`
	Models []modelRow `json:"models"`
}

func (s *server) modelsBoard(ctx context.Context, p kpi.Period) (modelsBoard, error) {
	now := s.now()
	rows, err := s.store.ModelBoard(ctx, now, p.From, p.To)
	if err != nil {
		return modelsBoard{}, err
	}
	b := modelsBoard{At: now, From: p.From, To: p.To, Models: []modelRow{}}
	for _, m := range rows {
		b.Models = append(b.Models, modelRow{ModelFigures: m, Rate: kpi.Rate{Due: m.Due, OnTime: m.OnTime}.Percent(),
			Value: percentValue(m.Due, m.OnTime), Href: problemsHref("model", m.Model),
			OverdueHref: problemsHref("model", m.Model, "overdue", "1"), ClosedHref: problemsHref("model", m.Model, "status", "closed")})
	}
	return b, nil
}

// nodeRow is one BOM node's open problems in a batch.
type nodeRow struct {
	BOMNode     string `json:"bom_node"`
	Open        int    `json:"open"`
	Overdue     int    `json:"overdue"`
	Href        string `json:"href"`
	OverdueHref string `json:"overdue_href"`
}

// batchRow is one batch with its BOM nodes.
type batchRow struct {
	Batch       string    `json:"batch"`
	Open        int       `json:"open"`
	Overdue     int       `json:"overdue"`
	Href        string    `json:"href"`
	OverdueHref string    `json:"overdue_href"`
	Nodes       []nodeRow `json:"nodes"`
}

type executionBoard struct {
	At      time.Time  `json:"at"`
	Batches []batchRow `json:"batches"`
}

func (s *server) executionBoard(ctx context.Context) (executionBoard, error) {
	now := s.now()
	rows, err := s.store.ExecutionBoard(ctx, now)
	if err != nil {
		return executionBoard{}, err
	}
	b := executionBoard{At: now, Batches: []batchRow{}}
	for _, r := range rows {
		if len(b.Batches) == 0 || b.Batches[len(b.Batches)-1].Batch != r.Batch {
			b.Batches = append(b.Batches, batchRow{Batch: r.Batch, Href: problemsHref("batch", r.Batch),
				OverdueHref: problemsHref("batch", r.Batch, "overdue", "1")})
		}
		x := &b.Batches[len(b.Batches)-1]
		x.Open += r.Open
		x.Overdue += r.Overdue
		x.Nodes = append(x.Nodes, nodeRow{BOMNode: r.BOMNode, Open: r.Open, Overdue: r.Overdue,
			Href:        problemsHref("batch", r.Batch, "bom_node", r.BOMNode),
			OverdueHref: problemsHref("batch", r.Batch, "bom_node", r.BOMNode, "overdue", "1")})
	}
	return b, nil
}

func (s *server) getBoardCenter(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.fail(w, r, service.Internal(err))
		return
	}
	b, err := s.centerBoard(ctx, doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, b)
}

func (s *server) getBoardModels(w http.ResponseWriter, r *http.Request) {
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
	b, err := s.modelsBoard(ctx, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (s *server) getBoardExecution(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	b, err := s.executionBoard(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// centerBoardPage is what the big screen's template reads.
type centerBoardPage struct {
	Board   centerBoard
	Src     string // the JSON the script re-reads
	Refresh int
	TZ      string // the policy's timezone, in which the script writes the time of the figures
	Labels  string // the charts' words in the reader's language, as JSON
}

func (s *server) boardCenterPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.board.center.title")
	if p.doc == nil {
		s.errorPage(w, r, service.Internal(errNotFound))
		return
	}
	b, err := s.centerBoard(ctx, p.doc)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	labels := map[string]string{}
	for _, k := range []string{"open", "overdue", "not_overdue", "rate", "due", "on_time", "escalations",
		"age.under_1d", "age.1_3d", "age.3_7d", "age.7d_plus", "no_rate", "updated"} {
		labels[k] = p.T("ui.board." + k)
	}
	lj, _ := json.Marshal(labels) // a map of strings always marshals
	p.Data = centerBoardPage{Board: b, Src: "/boards/center.json", Refresh: boardRefreshSeconds, TZ: p.loc.String(), Labels: string(lj)}
	s.render(w, r, http.StatusOK, "boards_center", p)
}

// modelsBoardPage is what the model board's template reads.
type modelsBoardPage struct {
	Board  modelsBoard
	Period periodForm
}

func (s *server) boardModelsPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p, period, ok := s.periodPage(w, r, "ui.board.models.title")
	if !ok {
		return
	}
	b, err := s.modelsBoard(ctx, period)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p.Data = modelsBoardPage{Board: b, Period: newPeriodForm(r.URL.Query(), period, p.loc)}
	s.render(w, r, http.StatusOK, "boards_models", p)
}

func (s *server) boardExecutionPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.board.execution.title")
	b, err := s.executionBoard(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p.Data = b
	s.render(w, r, http.StatusOK, "boards_execution", p)
}

// AgeName names an age bucket of the big screen.
func (p *page) AgeName(key string) string { return p.T("ui.board.age." + key) }

// Hours writes a number of hours with one decimal, or — when there is none.
func (p *page) Hours(h *float64) string {
	if h == nil {
		return kpi.NoRate
	}
	return p.T("ui.board.hours", *h)
}

// periodForm is the period selector as typed.
type periodForm struct {
	Period, At, From, To string
	Query                string // the period's query string, for links and exports
	Label                string // from – to (both days included)
}

func newPeriodForm(q url.Values, p kpi.Period, loc *time.Location) periodForm {
	f := periodForm{Period: q.Get("period"), At: q.Get("at"), From: q.Get("from"), To: q.Get("to")}
	if !slices.Contains([]string{"week", "month", "quarter", "custom"}, f.Period) {
		f.Period = "month"
	}
	v := url.Values{"period": {f.Period}}
	for k, x := range map[string]string{"at": f.At, "from": f.From, "to": f.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	f.Query = v.Encode()
	f.Label = p.From.In(loc).Format(time.DateOnly) + " – " + p.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
	return f
}
