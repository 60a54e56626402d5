package kpi

import "fmt"

// Rate is a completion rate as its two counts, so rates can be added up (Σ ÷ Σ) and never
// averaged.
type Rate struct {
	Key    string // department, representative, or a period's start date; empty for the center
	Due    int    // counted problems due in the period
	OnTime int    // of those, closed on time
}

// Value is OnTime ÷ Due; false when nothing was due, where there is no rate (not 0, not 100%).
func (r Rate) Value() (float64, bool) {
	if r.Due == 0 {
		return 0, false
	}
	return float64(r.OnTime) / float64(r.Due), true
}

// NoRate is what Percent shows when nothing was due.
const NoRate = "—"

// Percent is the rate as a percentage with one decimal, rounded half up in integer arithmetic
// (1/16 is "6.3%"), or NoRate when nothing was due.
func (r Rate) Percent() string {
	if r.Due <= 0 {
		return NoRate
	}
	tenths := (2000*r.OnTime + r.Due) / (2 * r.Due) // round(1000 × OnTime ÷ Due)
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

func (r *Rate) add(onTime bool) {
	r.Due++
	if onTime {
		r.OnTime++
	}
}
