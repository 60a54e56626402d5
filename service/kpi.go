package service

import (
	"context"
	"net/url"
	"slices"
	"time"

	"signoff/kpi"
	"signoff/policy"
)

// The assessment (考核): the completion rate (生产问题协调完成率) of a period for the center, every
// department and every representative, read from the counts the problems' workflows keep, and
// the problems behind each rate. What counts and when it is on time is the kpi package's.

// KPIDimensions are the dimensions of the completion rate.
var KPIDimensions = []string{"center", "department", "representative"}

// KPIPeriods are the periods a query may ask for.
var KPIPeriods = []string{"week", "month", "quarter", "custom"}

// kpiPeriod reads the period of a KPI query: period=week|month|quarter around at=YYYY-MM-DD
// (today by default), or period=custom with from and to (both days included), in the policy's
// timezone.
func (s *Service) kpiPeriod(q url.Values, doc *policy.Document) (kpi.Period, *time.Location, error) {
	loc, err := LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		return kpi.Period{}, nil, Internal(err)
	}
	bad := FieldErrors{}
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
		bad.Add("period", "one_of", KPIPeriods)
	}
	return p, loc, bad.Err()
}

// queryPeriod is the current policy and the period a query asks for.
func (s *Service) queryPeriod(ctx context.Context, q url.Values) (*policy.Document, kpi.Period, *time.Location, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil, kpi.Period{}, nil, Internal(err)
	}
	p, loc, err := s.kpiPeriod(q, doc)
	return doc, p, loc, err
}

// RateView is one completion rate as clients see it.
type RateView struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Due    int    `json:"due"`
	OnTime int    `json:"on_time"`
	Rate   string `json:"rate"` // "54.5%", or "—" when nothing was due
}

func rateView(key string, r kpi.Rate) RateView {
	return RateView{Key: key, Due: r.Due, OnTime: r.OnTime, Rate: r.Percent()}
}

// CompletionView is the completion rates of a period.
type CompletionView struct {
	From            time.Time  `json:"from"`
	To              time.Time  `json:"to"` // exclusive
	Center          RateView   `json:"center"`
	Departments     []RateView `json:"departments"`
	Representatives []RateView `json:"representatives"`
}

// Completion reads the completion rates of the period a query asks for.
func (s *Service) Completion(ctx context.Context, q url.Values) (CompletionView, error) {
	doc, p, _, err := s.queryPeriod(ctx, q)
	if err != nil {
		return CompletionView{}, err
	}
	return s.completion(ctx, doc, p)
}

// completion reads the completion rates of a period for the center, every department and every
// representative.
func (s *Service) completion(ctx context.Context, doc *policy.Document, p kpi.Period) (CompletionView, error) {
	v := CompletionView{From: p.From, To: p.To, Center: RateView{Rate: kpi.Rate{}.Percent()},
		Departments: []RateView{}, Representatives: []RateView{}}
	var people []string
	for _, dim := range KPIDimensions {
		rows, err := s.store.CompletionRates(ctx, dim, p.From, p.To)
		if err != nil {
			return CompletionView{}, err
		}
		for _, r := range rows {
			rv := rateView(r.Key, kpi.Rate{Due: r.Due, OnTime: r.OnTime})
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
		return CompletionView{}, err
	}
	for i, r := range v.Representatives {
		v.Representatives[i].Name = names.ref(r.Key).Name
	}
	return v, nil
}

// Assessment is the assessment page: the period and its rates, each with its drill-down.
type Assessment struct {
	Period          kpi.Period
	Center          LinkedRate
	Departments     []LinkedRate
	Representatives []LinkedRate
}

// Assessment reads the rates of the period a query asks for, linked to the problems behind them.
func (s *Service) Assessment(ctx context.Context, q url.Values) (Assessment, error) {
	doc, p, loc, err := s.queryPeriod(ctx, q)
	if err != nil {
		return Assessment{}, err
	}
	v, err := s.completion(ctx, doc, p)
	if err != nil {
		return Assessment{}, err
	}
	a := Assessment{Period: p, Center: linked(v.Center, "center", p, loc)}
	for _, x := range v.Departments {
		a.Departments = append(a.Departments, linked(x, "department", p, loc))
	}
	for _, x := range v.Representatives {
		a.Representatives = append(a.Representatives, linked(x, "representative", p, loc))
	}
	return a, nil
}

// BehindView is one problem behind a completion rate.
type BehindView struct {
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

// BehindList is the drill-down behind one rate. Its fields are in the order the API has always
// written them.
type BehindList struct {
	Dimension string       `json:"dimension"`
	From      time.Time    `json:"from"`
	Items     []BehindView `json:"items"`
	Key       string       `json:"key"` // the department or representative; empty for the center
	To        time.Time    `json:"to"`
}

// Period is the period of the list.
func (b BehindList) Period() kpi.Period { return kpi.Period{From: b.From, To: b.To} }

// Rate is the rate the listed problems make.
func (b BehindList) Rate() RateView {
	var r kpi.Rate
	for _, it := range b.Items {
		r.Due++
		if it.OnTime {
			r.OnTime++
		}
	}
	return rateView(b.Key, r)
}

// Behind lists the problems behind the rate a query names: dimension (center by default), key
// (the department or representative) and the period.
func (s *Service) Behind(ctx context.Context, q url.Values) (BehindList, error) {
	_, p, _, err := s.queryPeriod(ctx, q)
	if err != nil {
		return BehindList{}, err
	}
	dim := q.Get("dimension")
	if dim == "" {
		dim = "center"
	}
	if !slices.Contains(KPIDimensions, dim) {
		return BehindList{}, FieldErrors{"dimension": {Key: "one_of", Args: []any{KPIDimensions}}}.Err()
	}
	key := q.Get("key")
	if dim == "center" {
		key = "" // the center has no key
	}
	return s.behind(ctx, dim, key, p)
}

func (s *Service) behind(ctx context.Context, dim, key string, p kpi.Period) (BehindList, error) {
	ps, onTime, err := s.store.BehindRate(ctx, dim, key, p.From, p.To, 5000)
	if err != nil {
		return BehindList{}, err
	}
	out := BehindList{Dimension: dim, From: p.From, Items: make([]BehindView, 0, len(ps)), Key: key, To: p.To}
	for i, pr := range ps {
		out.Items = append(out.Items, BehindView{ID: pr.ID, Title: pr.Title, Severity: pr.Severity, Status: pr.Status,
			DueAt: pr.DueAt, ClosedAt: pr.ClosedAt, OnTime: onTime[i], DueChanges: pr.DueChanges, Reopened: pr.Reopened})
	}
	return out, nil
}

// AssessmentWorkbook is what the assessment's download holds: the rates of a period and the
// problems behind the center's.
type AssessmentWorkbook struct {
	Period kpi.Period
	Rates  CompletionView
	Center []BehindView
}

// AssessmentWorkbook reads the download of the period a query asks for.
func (s *Service) AssessmentWorkbook(ctx context.Context, q url.Values) (AssessmentWorkbook, error) {
	doc, p, _, err := s.queryPeriod(ctx, q)
	if err != nil {
		return AssessmentWorkbook{}, err
	}
	v, err := s.completion(ctx, doc, p)
	if err != nil {
		return AssessmentWorkbook{}, err
	}
	b, err := s.behind(ctx, "center", "", p)
	if err != nil {
		return AssessmentWorkbook{}, err
	}
	return AssessmentWorkbook{Period: p, Rates: v, Center: b.Items}, nil
}
