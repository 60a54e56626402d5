package kpi

import (
	"cmp"
	"slices"
	"time"
)

// The board figures count the same problems as the completion rate (Fact.Counted). Those taken
// at an instant read the facts as they are now: a past instant sees today's departments and due
// date, which is why boards ask about the present.

// Count is a number of problems under a key.
type Count struct {
	Key string
	N   int
}

// OpenBySeverity counts the problems open at an instant, by severity, sorted by severity ID. Open
// means published at or before at and not closed by then; a problem reported solved but not yet
// verified is open.
func OpenBySeverity(facts []Fact, at time.Time) []Count {
	n := map[string]int{}
	for _, f := range facts {
		if f.Counted() && f.openAt(at) {
			n[f.Severity]++
		}
	}
	out := make([]Count, 0, len(n))
	for k, v := range n {
		out = append(out, Count{Key: k, N: v})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// Overdue counts the problems open at an instant whose due date in force is before it. A problem
// due exactly at is not yet overdue, as one closed exactly at its due time is on time.
func Overdue(facts []Fact, at time.Time) int {
	n := 0
	for _, f := range facts {
		if f.Counted() && f.openAt(at) && f.DueAt.Before(at) {
			n++
		}
	}
	return n
}

// Ages counts the problems open at an instant by the calendar time since their first publication.
// Each bucket includes its lower bound: exactly one day old is in OneToThreeDays.
type Ages struct {
	UnderOneDay      int // [0, 24h)
	OneToThreeDays   int // [24h, 72h)
	ThreeToSevenDays int // [72h, 168h)
	SevenDaysOrMore  int // 168h and more
}

// Ageing buckets the problems open at an instant by age.
func Ageing(facts []Fact, at time.Time) Ages {
	const day = 24 * time.Hour
	var a Ages
	for _, f := range facts {
		if !f.Counted() || !f.openAt(at) {
			continue
		}
		switch age := at.Sub(f.PublishedAt); {
		case age < day:
			a.UnderOneDay++
		case age < 3*day:
			a.OneToThreeDays++
		case age < 7*day:
			a.ThreeToSevenDays++
		default:
			a.SevenDaysOrMore++
		}
	}
	return a
}

// CloseTime is the time problems took from first publication to closure, as a sum and a count so
// that periods and boards can be added up before dividing.
type CloseTime struct {
	Closed int
	Total  time.Duration
}

// Mean is Total ÷ Closed; false when nothing was closed.
func (c CloseTime) Mean() (time.Duration, bool) {
	if c.Closed == 0 {
		return 0, false
	}
	return c.Total / time.Duration(c.Closed), true
}

// TimeToClose sums ClosedAt − PublishedAt, calendar time, over the counted problems closed in
// the period (From ≤ ClosedAt < To), whenever they were due.
func TimeToClose(facts []Fact, p Period) CloseTime {
	var c CloseTime
	for _, f := range facts {
		if !f.Counted() || f.Status != StatusClosed || f.ClosedAt.IsZero() || f.PublishedAt.IsZero() {
			continue
		}
		if p.Contains(f.ClosedAt) {
			c.Closed++
			c.Total += f.ClosedAt.Sub(f.PublishedAt)
		}
	}
	return c
}

// Escalations counts the escalations (上报) that happened in the period, From ≤ EscalatedAt < To,
// over counted problems, whatever their due date or status. A problem escalated twice in the
// period counts twice: the figure measures how often leaders were called in.
func Escalations(facts []Fact, p Period) int {
	n := 0
	for _, f := range facts {
		if !f.Counted() {
			continue
		}
		for _, at := range f.EscalatedAt {
			if p.Contains(at) {
				n++
			}
		}
	}
	return n
}
