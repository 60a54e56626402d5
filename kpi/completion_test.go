package kpi

import (
	"slices"
	"testing"
	"time"
)

// march is the assessment period of the fixture: March 2026 in Asia/Shanghai,
// [2026-03-01 00:00 +08, 2026-04-01 00:00 +08).
func march(t *testing.T) (Period, *time.Location) {
	sh := zone(t, "Asia/Shanghai")
	return Month(at(t, sh, "2026-03-15 12:00:00"), sh), sh
}

// completionFacts is the hand-counted fixture. Each comment says whether the problem is due in
// March (DUE) and closed on time (ON), or why it is not counted.
//
// Departments prod, plan, qual; representatives wang, li, zhang, chen.
//
//	center: due 11 (P01 P02 P03 P04 P05 P09 P11 P12 P13 P14 P16), on time 6 (P01 P02 P09 P11 P13 P14)
//	prod:  P01 ON, P02 ON, P03, P13 ON, P16     → 3/5
//	plan:  P04, P05, P11 ON                     → 1/3
//	qual:  P09 ON, P12, P13 ON, P14 ON          → 3/4
//	wang:  P01 ON, P02 ON, P03, P13 ON          → 3/4
//	li:    P04, P05, P11 ON                     → 1/3
//	zhang: P09 ON, P12, P13 ON                  → 2/3
//	chen:  P14 ON, P16                          → 1/2
//
// The departments' due counts add up to 12, not 11: P13 belongs to prod and qual.
func completionFacts(t *testing.T) []Fact {
	_, sh := march(t)
	utc := time.UTC
	d := func(s string) time.Time { return at(t, sh, s) }
	return []Fact{
		// P01 DUE ON: closed a day early.
		{ProblemID: "P01", Status: StatusClosed, Departments: []string{"prod"}, Representatives: []string{"wang"},
			DueAt: d("2026-03-10 17:00:00"), ClosedAt: d("2026-03-09 10:00:00")},
		// P02 DUE ON: closed exactly at the due time, the closure written in UTC (same instant).
		{ProblemID: "P02", Status: StatusClosed, Departments: []string{"prod"}, Representatives: []string{"wang"},
			DueAt: d("2026-03-11 17:00:00"), ClosedAt: at(t, utc, "2026-03-11 09:00:00")},
		// P03 DUE, late: closed one second after the due time.
		{ProblemID: "P03", Status: StatusClosed, Departments: []string{"prod"}, Representatives: []string{"wang"},
			DueAt: d("2026-03-12 17:00:00"), ClosedAt: d("2026-03-12 17:00:01")},
		// P04 DUE, late: reported solved on 03-12, verification refused, closed on 03-16 after the
		// 03-13 due date. Only the final closure counts.
		{ProblemID: "P04", Status: StatusClosed, Departments: []string{"plan"}, Representatives: []string{"li"},
			DueAt: d("2026-03-13 17:00:00"), ClosedAt: d("2026-03-16 09:00:00"), Reopened: 1},
		// P05 DUE, not closed: reported solved before the due date, refused, still in progress.
		{ProblemID: "P05", Status: StatusInProgress, Departments: []string{"plan"}, Representatives: []string{"li"},
			DueAt: d("2026-03-14 17:00:00"), Reopened: 1},
		// P06 NOT COUNTED: merged into P01 (due in March, closed on time: it would change every number).
		{ProblemID: "P06", Status: StatusMerged, MergedInto: "P01", Departments: []string{"prod"}, Representatives: []string{"wang"},
			DueAt: d("2026-03-10 17:00:00"), ClosedAt: d("2026-03-09 10:00:00")},
		// P07 NOT COUNTED: rejected as invalid on re-screening, though it carries a March due date.
		{ProblemID: "P07", Status: StatusRejected, Departments: []string{"plan"}, Representatives: []string{"li"},
			DueAt: d("2026-03-20 17:00:00")},
		// P08 NOT DUE: first due 03-05, moved to 04-03 (April) and still open.
		{ProblemID: "P08", Status: StatusInProgress, Departments: []string{"prod"}, Representatives: []string{"wang"},
			OriginalDueAt: d("2026-03-05 17:00:00"), DueAt: d("2026-04-03 17:00:00"), DueChanges: 1},
		// P09 DUE ON: first due 02-25 (February), moved to 03-20, closed 03-18: on time against the
		// due date in force, late against the original.
		{ProblemID: "P09", Status: StatusClosed, Departments: []string{"qual"}, Representatives: []string{"zhang"},
			OriginalDueAt: d("2026-02-25 17:00:00"), DueAt: d("2026-03-20 17:00:00"), ClosedAt: d("2026-03-18 09:00:00"), DueChanges: 2},
		// P11 DUE ON: first published to qual/zhang, re-published to plan/li (listed twice by the
		// store: counts once); counts for plan and li only.
		{ProblemID: "P11", Status: StatusClosed, Departments: []string{"plan", "plan"}, Representatives: []string{"li"},
			DueAt: d("2026-03-21 17:00:00"), ClosedAt: d("2026-03-21 16:00:00"), Publications: 2},
		// P12 DUE, not closed: overdue and open.
		{ProblemID: "P12", Status: StatusSolved, Departments: []string{"qual"}, Representatives: []string{"zhang"},
			DueAt: d("2026-03-22 17:00:00")},
		// P13 DUE ON: two departments and two representatives; once in each, once for the center.
		{ProblemID: "P13", Status: StatusClosed, Departments: []string{"prod", "qual"}, Representatives: []string{"wang", "zhang"},
			DueAt: d("2026-03-23 17:00:00"), ClosedAt: d("2026-03-23 11:00:00")},
		// P14 DUE ON: due exactly at the start of March (2026-02-28 16:00 UTC), written in UTC.
		{ProblemID: "P14", Status: StatusClosed, Departments: []string{"qual"}, Representatives: []string{"chen"},
			DueAt: at(t, utc, "2026-02-28 16:00:00"), ClosedAt: d("2026-02-27 10:00:00")},
		// P15 NOT DUE: due exactly at the end of March, which belongs to April.
		{ProblemID: "P15", Status: StatusClosed, Departments: []string{"qual"}, Representatives: []string{"chen"},
			DueAt: d("2026-04-01 00:00:00"), ClosedAt: d("2026-03-30 10:00:00")},
		// P16 DUE, not closed: due one second before the end of March.
		{ProblemID: "P16", Status: StatusInProgress, Departments: []string{"prod"}, Representatives: []string{"chen"},
			DueAt: d("2026-03-31 23:59:59")},
		// P17 NOT DUE: due one second before March began, closed on time.
		{ProblemID: "P17", Status: StatusClosed, Departments: []string{"prod"}, Representatives: []string{"wang"},
			DueAt: d("2026-02-28 23:59:59"), ClosedAt: d("2026-02-27 10:00:00")},
		// P18 NOT COUNTED: raised, never published (no due date).
		{ProblemID: "P18", Status: StatusRaised, RaisedAt: d("2026-03-05 10:00:00")},
	}
}

func TestCompletion(t *testing.T) {
	p, _ := march(t)
	got := Completion(completionFacts(t), p)
	want := Report{
		Center: Rate{Key: "", Due: 11, OnTime: 6},
		Departments: []Rate{
			{Key: "plan", Due: 3, OnTime: 1},
			{Key: "prod", Due: 5, OnTime: 3},
			{Key: "qual", Due: 4, OnTime: 3},
		},
		Representatives: []Rate{
			{Key: "chen", Due: 2, OnTime: 1},
			{Key: "li", Due: 3, OnTime: 1},
			{Key: "wang", Due: 4, OnTime: 3},
			{Key: "zhang", Due: 3, OnTime: 2},
		},
	}
	if got.Center != want.Center {
		t.Errorf("center = %+v, want %+v", got.Center, want.Center)
	}
	if !slices.Equal(got.Departments, want.Departments) {
		t.Errorf("departments = %+v, want %+v", got.Departments, want.Departments)
	}
	if !slices.Equal(got.Representatives, want.Representatives) {
		t.Errorf("representatives = %+v, want %+v", got.Representatives, want.Representatives)
	}
	if pct := got.Center.Percent(); pct != "54.5%" {
		t.Errorf("center percent = %s, want 54.5%%", pct)
	}
}

// The center counts distinct problems: P13 is in two departments, so the departments add up to
// more than the center.
func TestCompletionCenterIsNotSumOfDepartments(t *testing.T) {
	p, _ := march(t)
	r := Completion(completionFacts(t), p)
	due, onTime := 0, 0
	for _, d := range r.Departments {
		due += d.Due
		onTime += d.OnTime
	}
	if due != 12 || onTime != 7 {
		t.Errorf("departments add up to %d/%d, want 7/12", onTime, due)
	}
	if r.Center.Due != 11 || r.Center.OnTime != 6 {
		t.Errorf("center = %d/%d, want 6/11", r.Center.OnTime, r.Center.Due)
	}
}

func ids(lines []Line) []string {
	var out []string
	for _, l := range lines {
		s := l.ProblemID
		if l.OnTime {
			s += " on"
		}
		out = append(out, s)
	}
	return out
}

func TestBehind(t *testing.T) {
	p, _ := march(t)
	facts := completionFacts(t)
	tests := []struct {
		name      string
		dept, rep string
		want      []string // by due date
	}{
		{"center", "", "", []string{"P14 on", "P01 on", "P02 on", "P03", "P04", "P05", "P09 on", "P11 on", "P12", "P13 on", "P16"}},
		{"prod", "prod", "", []string{"P01 on", "P02 on", "P03", "P13 on", "P16"}},
		{"qual", "qual", "", []string{"P14 on", "P09 on", "P12", "P13 on"}},
		{"zhang", "", "zhang", []string{"P09 on", "P12", "P13 on"}},
		{"prod and wang", "prod", "wang", []string{"P01 on", "P02 on", "P03", "P13 on"}},
		{"qual and wang", "qual", "wang", []string{"P13 on"}},
		{"nobody", "equipment", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(Behind(facts, p, tt.dept, tt.rep)); !slices.Equal(got, tt.want) {
				t.Errorf("Behind = %v, want %v", got, tt.want)
			}
		})
	}
}

// The drill-down shows what an assessor needs to question a number: the moves of the due date.
func TestBehindShowsDueChanges(t *testing.T) {
	p, sh := march(t)
	lines := Behind(completionFacts(t), p, "qual", "zhang")
	if len(lines) == 0 || lines[0].ProblemID != "P09" {
		t.Fatalf("first line = %v, want P09", ids(lines))
	}
	l := lines[0]
	if l.DueChanges != 2 || !l.OriginalDueAt.Equal(at(t, sh, "2026-02-25 17:00:00")) {
		t.Errorf("P09 due changes %d from %v, want 2 from 2026-02-25 17:00", l.DueChanges, l.OriginalDueAt)
	}
}

// Behind and Completion must tell the same story for every key.
func TestBehindAgreesWithCompletion(t *testing.T) {
	p, _ := march(t)
	facts := completionFacts(t)
	r := Completion(facts, p)
	check := func(what string, want Rate, lines []Line) {
		t.Helper()
		got := Rate{Key: want.Key}
		for _, l := range lines {
			got.add(l.OnTime)
		}
		if got != want {
			t.Errorf("%s: behind counts %+v, completion %+v", what, got, want)
		}
	}
	check("center", r.Center, Behind(facts, p, "", ""))
	for _, d := range r.Departments {
		check("department "+d.Key, d, Behind(facts, p, d.Key, ""))
	}
	for _, x := range r.Representatives {
		check("representative "+x.Key, x, Behind(facts, p, "", x.Key))
	}
}

func TestCompletionNothingDue(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	r := Completion(completionFacts(t), Month(at(t, sh, "2025-06-01 00:00:00"), sh))
	if r.Center != (Rate{}) || len(r.Departments) != 0 || len(r.Representatives) != 0 {
		t.Errorf("report = %+v, want empty", r)
	}
	if _, ok := r.Center.Value(); ok {
		t.Error("a period with nothing due has a rate")
	}
}

func TestFactPredicates(t *testing.T) {
	due := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name            string
		f               Fact
		counted, onTime bool
	}{
		{"closed before", Fact{Status: StatusClosed, DueAt: due, ClosedAt: due.Add(-time.Hour)}, true, true},
		{"closed at due", Fact{Status: StatusClosed, DueAt: due, ClosedAt: due}, true, true},
		{"closed a second late", Fact{Status: StatusClosed, DueAt: due, ClosedAt: due.Add(time.Second)}, true, false},
		{"solved, not verified", Fact{Status: StatusSolved, DueAt: due}, true, false},
		// A closure time left behind on an open problem does not make it closed.
		{"reopened with stale closure", Fact{Status: StatusInProgress, DueAt: due, ClosedAt: due.Add(-time.Hour)}, true, false},
		{"closed without a closure time", Fact{Status: StatusClosed, DueAt: due}, true, false},
		{"merged", Fact{Status: StatusMerged, DueAt: due}, false, false},
		{"merged into, status lagging", Fact{Status: StatusInProgress, MergedInto: "P1", DueAt: due}, false, false},
		{"rejected", Fact{Status: StatusRejected, DueAt: due}, false, false},
		{"never published", Fact{Status: StatusRaised}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Counted(); got != tt.counted {
				t.Errorf("Counted = %v, want %v", got, tt.counted)
			}
			if got := tt.f.ClosedOnTime(); got != tt.onTime {
				t.Errorf("ClosedOnTime = %v, want %v", got, tt.onTime)
			}
		})
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		r     Rate
		value float64
		ok    bool
		pct   string
	}{
		{Rate{}, 0, false, NoRate},
		{Rate{Due: 5}, 0, true, "0.0%"},
		{Rate{Due: 11, OnTime: 6}, 6.0 / 11, true, "54.5%"},
		{Rate{Due: 3, OnTime: 2}, 2.0 / 3, true, "66.7%"},
		{Rate{Due: 3, OnTime: 1}, 1.0 / 3, true, "33.3%"},
		{Rate{Due: 8, OnTime: 1}, 0.125, true, "12.5%"},
		{Rate{Due: 16, OnTime: 1}, 0.0625, true, "6.3%"}, // half up, not half even
		{Rate{Due: 2000, OnTime: 1999}, 0.9995, true, "100.0%"},
		{Rate{Due: 4, OnTime: 4}, 1, true, "100.0%"},
	}
	for _, tt := range tests {
		v, ok := tt.r.Value()
		if v != tt.value || ok != tt.ok {
			t.Errorf("%+v.Value() = %v, %v; want %v, %v", tt.r, v, ok, tt.value, tt.ok)
		}
		if got := tt.r.Percent(); got != tt.pct {
			t.Errorf("%+v.Percent() = %q, want %q", tt.r, got, tt.pct)
		}
	}
}
