package kpi

import (
	"cmp"
	"slices"
)

// Report is the completion rate of a period for the center, each department and each
// representative. Departments and representatives appear when at least one counted problem was
// due for them in the period, sorted by key.
type Report struct {
	Center          Rate // over distinct problems: a problem of two departments counts once here
	Departments     []Rate
	Representatives []Rate
}

// Completion computes the completion rate (生产问题协调完成率) of a period.
func Completion(facts []Fact, p Period) Report {
	var r Report
	depts := map[string]*Rate{}
	reps := map[string]*Rate{}
	for _, f := range facts {
		if !dueIn(f, p) {
			continue
		}
		onTime := f.ClosedOnTime()
		r.Center.add(onTime)
		for _, d := range distinct(f.Departments) {
			rateOf(depts, d).add(onTime)
		}
		for _, x := range distinct(f.Representatives) {
			rateOf(reps, x).add(onTime)
		}
	}
	r.Departments = sorted(depts)
	r.Representatives = sorted(reps)
	return r
}

// Line is one problem behind a completion rate.
type Line struct {
	Fact
	OnTime bool
}

// Behind lists the problems behind a completion rate: the counted problems due in the period,
// for the department dept and the representative rep (each ignored when empty; the whole center
// when both are), sorted by due date then problem ID. Its length is the rate's Due and its lines
// with OnTime its OnTime.
func Behind(facts []Fact, p Period, dept, rep string) []Line {
	var out []Line
	for _, f := range facts {
		if !dueIn(f, p) {
			continue
		}
		if dept != "" && !slices.Contains(f.Departments, dept) {
			continue
		}
		if rep != "" && !slices.Contains(f.Representatives, rep) {
			continue
		}
		out = append(out, Line{Fact: f, OnTime: f.ClosedOnTime()})
	}
	slices.SortFunc(out, func(a, b Line) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.ProblemID, b.ProblemID))
	})
	return out
}

// Trend is the completion rate of dept and rep (as in Behind) in each period, in the order
// given; each Rate's Key is its period's start date (2006-01-02, in the period's location).
// Weeks(now, n, loc) gives the weekly trend over n weeks.
func Trend(facts []Fact, periods []Period, dept, rep string) []Rate {
	out := make([]Rate, len(periods))
	for i, p := range periods {
		out[i].Key = p.From.Format("2006-01-02")
		for _, l := range Behind(facts, p, dept, rep) {
			out[i].add(l.OnTime)
		}
	}
	return out
}

func dueIn(f Fact, p Period) bool {
	return f.Counted() && p.Contains(f.DueAt)
}

func rateOf(m map[string]*Rate, key string) *Rate {
	r, ok := m[key]
	if !ok {
		r = &Rate{Key: key}
		m[key] = r
	}
	return r
}

func sorted(m map[string]*Rate) []Rate {
	out := make([]Rate, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Rate) int { return cmp.Compare(a.Key, b.Key) })
	return out
}
