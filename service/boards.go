package service

import (
	"context"
	"math"
	"net/url"
	"time"

	"signoff/kpi"
	"signoff/policy"
	"signoff/store"
)

// The boards (看板): the control center's big screen (planning level: the whole enterprise), the
// model board (型号管理层) and the execution board (订单执行层: batches down the BOM). Their
// figures come from the store's board queries, whose definitions are the kpi package's (see
// kpi/board.go): open means published and not closed (solved but not verified is open), overdue
// means open and due before now, every count over the problems that count (published, neither
// rejected nor merged). Every figure carries the link to the problems behind it: the KPI
// drill-down for a rate, a problems list for a count.

// CountView is one count with its name and the link to the problems behind it.
type CountView struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	N    int    `json:"n"`
	Href string `json:"href"`
}

// LinkedRate is a completion rate with its value for charts and its drill-down.
type LinkedRate struct {
	RateView
	Value *float64 `json:"value"` // percent with one decimal; null when nothing was due
	Href  string   `json:"href"`
}

// DeptBoard is one department's open problems.
type DeptBoard struct {
	Key         string      `json:"key"`
	Name        string      `json:"name"`
	Open        int         `json:"open"`
	Overdue     int         `json:"overdue"`
	OpenHref    string      `json:"open_href"`
	OverdueHref string      `json:"overdue_href"`
	BySeverity  []CountView `json:"by_severity"`
}

// RatesBoard is the completion rate of one period for the center and every department.
type RatesBoard struct {
	From        time.Time    `json:"from"`
	To          time.Time    `json:"to"` // exclusive
	Center      LinkedRate   `json:"center"`
	Departments []LinkedRate `json:"departments"`
}

// CenterBoard is the control center's big screen.
type CenterBoard struct {
	At               time.Time    `json:"at"`
	Open             int          `json:"open"`
	Overdue          int          `json:"overdue"`
	OpenHref         string       `json:"open_href"`
	OverdueHref      string       `json:"overdue_href"`
	Severities       []CountView  `json:"severities"`
	Departments      []DeptBoard  `json:"departments"`
	Ages             []CountView  `json:"ages"` // under_1d, 1_3d, 3_7d, 7d_plus
	Month            RatesBoard   `json:"month"`
	Quarter          RatesBoard   `json:"quarter"`
	Trend            []LinkedRate `json:"trend"` // 12 weeks, oldest first; Key is the week's Monday
	Escalations      []CountView  `json:"escalations"`
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

// PercentValue is a rate in percent with one decimal, for charts; nil when nothing was due.
func PercentValue(due, onTime int) *float64 {
	if due == 0 {
		return nil
	}
	v := math.Round(1000*float64(onTime)/float64(due)) / 10
	return &v
}

// linked is a rate of a period with its value and drill-down.
func linked(r RateView, dimension string, p kpi.Period, loc *time.Location) LinkedRate {
	return LinkedRate{RateView: r, Value: PercentValue(r.Due, r.OnTime), Href: kpiHref(dimension, r.Key, p, loc)}
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

// ratesBoard is the completion rates of a period for the center and every department.
func (s *Service) ratesBoard(ctx context.Context, doc *policy.Document, p kpi.Period, loc *time.Location) (RatesBoard, error) {
	v, err := s.completion(ctx, doc, p)
	if err != nil {
		return RatesBoard{}, err
	}
	out := RatesBoard{From: p.From, To: p.To, Center: linked(v.Center, "center", p, loc), Departments: []LinkedRate{}}
	for _, d := range v.Departments {
		out.Departments = append(out.Departments, linked(d, "department", p, loc))
	}
	return out, nil
}

// CenterBoard reads every figure of the big screen at the present instant.
func (s *Service) CenterBoard(ctx context.Context) (CenterBoard, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return CenterBoard{}, Internal(err)
	}
	loc, err := LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		return CenterBoard{}, Internal(err)
	}
	now := s.now()
	b := CenterBoard{At: now, OpenHref: problemsHref("open", "1"), OverdueHref: problemsHref("overdue", "1"),
		Severities: []CountView{}, Departments: []DeptBoard{}, Escalations: []CountView{}}
	open, err := s.store.OpenProblems(ctx, now)
	if err != nil {
		return CenterBoard{}, err
	}
	for _, c := range open.BySeverity {
		b.Open += c.N
		b.Severities = append(b.Severities, CountView{Key: c.Key, Name: severityName(doc, c.Key), N: c.N,
			Href: problemsHref("open", "1", "severity", c.Key)})
	}
	b.Overdue = open.Overdue
	b.Ages = []CountView{
		{Key: "under_1d", N: open.Ages.UnderOneDay, Href: problemsHref("age", "under_1d")},
		{Key: "1_3d", N: open.Ages.OneToThreeDays, Href: problemsHref("age", "1_3d")},
		{Key: "3_7d", N: open.Ages.ThreeToSevenDays, Href: problemsHref("age", "3_7d")},
		{Key: "7d_plus", N: open.Ages.SevenDaysOrMore, Href: problemsHref("age", "7d_plus")},
	}
	rows, err := s.store.OpenByDepartment(ctx, now)
	if err != nil {
		return CenterBoard{}, err
	}
	for _, r := range rows {
		if len(b.Departments) == 0 || b.Departments[len(b.Departments)-1].Key != r.Department {
			b.Departments = append(b.Departments, DeptBoard{Key: r.Department, Name: deptName(doc, r.Department),
				OpenHref: problemsHref("open", "1", "department", r.Department), OverdueHref: problemsHref("department", r.Department, "overdue", "1")})
		}
		d := &b.Departments[len(b.Departments)-1]
		d.Open += r.Open
		d.Overdue += r.Overdue
		d.BySeverity = append(d.BySeverity, CountView{Key: r.Severity, Name: severityName(doc, r.Severity), N: r.Open,
			Href: problemsHref("open", "1", "department", r.Department, "severity", r.Severity)})
	}
	if b.Month, err = s.ratesBoard(ctx, doc, kpi.Month(now, loc), loc); err != nil {
		return CenterBoard{}, err
	}
	if b.Quarter, err = s.ratesBoard(ctx, doc, kpi.Quarter(now, loc), loc); err != nil {
		return CenterBoard{}, err
	}
	weeks := kpi.Weeks(now, 12, loc)
	trend, err := s.store.CenterTrend(ctx, weeks)
	if err != nil {
		return CenterBoard{}, err
	}
	for i, r := range trend {
		rv := RateView{Key: r.Key, Due: r.Due, OnTime: r.OnTime, Rate: r.Percent()}
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
		return CenterBoard{}, err
	}
	for _, c := range esc {
		b.EscalationsTotal += c.N
		b.Escalations = append(b.Escalations, CountView{Key: c.Key, Name: c.Key, N: c.N,
			Href: problemsHref("escalated_from", c.Key, "escalated_to", c.Key)})
	}
	ttc, err := s.store.TimeToClose(ctx, last30.From, last30.To)
	if err != nil {
		return CenterBoard{}, err
	}
	b.Closed, b.ClosedHref = ttc.Closed, problemsHref("status", "closed")
	if m, ok := ttc.Mean(); ok {
		h := math.Round(m.Hours()*10) / 10
		b.MeanCloseHours = &h
	}
	return b, nil
}

// ModelRow is one model's figures with their links.
type ModelRow struct {
	store.ModelFigures
	Rate        string   `json:"rate"`
	Value       *float64 `json:"value"`
	Href        string   `json:"href"` // the model's problems
	OverdueHref string   `json:"overdue_href"`
	ClosedHref  string   `json:"closed_href"`
}

// ModelsBoard is the model board (型号管理层).
type ModelsBoard struct {
	At     time.Time  `json:"at"`
	From   time.Time  `json:"from"`
	To     time.Time  `json:"to"`
	Models []ModelRow `json:"models"`
}

// ModelsBoard reads every model's figures over the period a query asks for (as the assessment's).
func (s *Service) ModelsBoard(ctx context.Context, q url.Values) (ModelsBoard, error) {
	_, p, _, err := s.queryPeriod(ctx, q)
	if err != nil {
		return ModelsBoard{}, err
	}
	now := s.now()
	rows, err := s.store.ModelBoard(ctx, now, p.From, p.To)
	if err != nil {
		return ModelsBoard{}, err
	}
	b := ModelsBoard{At: now, From: p.From, To: p.To, Models: []ModelRow{}}
	for _, m := range rows {
		b.Models = append(b.Models, ModelRow{ModelFigures: m, Rate: kpi.Rate{Due: m.Due, OnTime: m.OnTime}.Percent(),
			Value: PercentValue(m.Due, m.OnTime), Href: problemsHref("model", m.Model),
			OverdueHref: problemsHref("model", m.Model, "overdue", "1"), ClosedHref: problemsHref("model", m.Model, "status", "closed")})
	}
	return b, nil
}

// NodeRow is one BOM node's open problems in a batch.
type NodeRow struct {
	BOMNode     string `json:"bom_node"`
	Open        int    `json:"open"`
	Overdue     int    `json:"overdue"`
	Href        string `json:"href"`
	OverdueHref string `json:"overdue_href"`
}

// BatchRow is one batch with its BOM nodes.
type BatchRow struct {
	Batch       string    `json:"batch"`
	Open        int       `json:"open"`
	Overdue     int       `json:"overdue"`
	Href        string    `json:"href"`
	OverdueHref string    `json:"overdue_href"`
	Nodes       []NodeRow `json:"nodes"`
}

// ExecutionBoard is the execution board (订单执行层).
type ExecutionBoard struct {
	At      time.Time  `json:"at"`
	Batches []BatchRow `json:"batches"`
}

// ExecutionBoard reads every batch's open problems down its BOM nodes.
func (s *Service) ExecutionBoard(ctx context.Context) (ExecutionBoard, error) {
	now := s.now()
	rows, err := s.store.ExecutionBoard(ctx, now)
	if err != nil {
		return ExecutionBoard{}, err
	}
	b := ExecutionBoard{At: now, Batches: []BatchRow{}}
	for _, r := range rows {
		if len(b.Batches) == 0 || b.Batches[len(b.Batches)-1].Batch != r.Batch {
			b.Batches = append(b.Batches, BatchRow{Batch: r.Batch, Href: problemsHref("batch", r.Batch),
				OverdueHref: problemsHref("batch", r.Batch, "overdue", "1")})
		}
		x := &b.Batches[len(b.Batches)-1]
		x.Open += r.Open
		x.Overdue += r.Overdue
		x.Nodes = append(x.Nodes, NodeRow{BOMNode: r.BOMNode, Open: r.Open, Overdue: r.Overdue,
			Href:        problemsHref("batch", r.Batch, "bom_node", r.BOMNode),
			OverdueHref: problemsHref("batch", r.Batch, "bom_node", r.BOMNode, "overdue", "1")})
	}
	return b, nil
}
