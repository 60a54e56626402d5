package kpi

import (
	"errors"
	"time"
)

// Period is a half-open interval of instants: From ≤ t < To.
type Period struct{ From, To time.Time }

// ErrEmptyPeriod is returned by Custom when From is not before To.
var ErrEmptyPeriod = errors.New("kpi: period must start before it ends")

// Contains reports whether t falls in the period, comparing instants, not wall clocks.
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.From) && t.Before(p.To)
}

// Custom is the period [from, to).
func Custom(from, to time.Time) (Period, error) {
	if !from.Before(to) {
		return Period{}, ErrEmptyPeriod
	}
	return Period{From: from, To: to}, nil
}

// Week is the calendar week containing t in loc, Monday 00:00 to the next Monday 00:00. Across a
// daylight-saving change the week is 167 or 169 hours long. loc must not be nil.
func Week(t time.Time, loc *time.Location) Period {
	l := t.In(loc)
	back := (int(l.Weekday()) + 6) % 7 // days since Monday
	from := time.Date(l.Year(), l.Month(), l.Day()-back, 0, 0, 0, 0, loc)
	return Period{From: from, To: from.AddDate(0, 0, 7)}
}

// Month is the calendar month containing t in loc. loc must not be nil.
func Month(t time.Time, loc *time.Location) Period {
	l := t.In(loc)
	from := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, loc)
	return Period{From: from, To: from.AddDate(0, 1, 0)}
}

// Quarter is the calendar quarter (January, April, July, October) containing t in loc. loc must
// not be nil.
func Quarter(t time.Time, loc *time.Location) Period {
	l := t.In(loc)
	first := time.Month((int(l.Month())-1)/3*3 + 1)
	from := time.Date(l.Year(), first, 1, 0, 0, 0, 0, loc)
	return Period{From: from, To: from.AddDate(0, 3, 0)}
}

// Weeks is the n calendar weeks ending with the week containing last, oldest first.
func Weeks(last time.Time, n int, loc *time.Location) []Period {
	if n <= 0 {
		return nil
	}
	out := make([]Period, n)
	w := Week(last, loc)
	for i := n - 1; i >= 0; i-- {
		out[i] = w
		w = Period{From: w.From.AddDate(0, 0, -7), To: w.From}
	}
	return out
}
