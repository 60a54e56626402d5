package kpi

import (
	"slices"
	"testing"
)

// The weekly trend over the completion fixture, four weeks ending with the week of 2026-03-18.
//
//	week of 02-23: P14 ON (due at March's first instant, a Sunday), P17 ON   → 2/2
//	week of 03-02: nothing due                                              → —
//	week of 03-09: P01 ON, P02 ON, P03, P04, P05                            → 2/5
//	week of 03-16: P09 ON, P11 ON, P12 (P13 is due Monday 03-23)            → 2/3
//
// prod alone: P17 ON → 1/1; —; P01 ON, P02 ON, P03 → 2/3; —.
func TestTrend(t *testing.T) {
	_, sh := march(t)
	weeks := Weeks(at(t, sh, "2026-03-18 10:00:00"), 4, sh)
	facts := completionFacts(t)
	tests := []struct {
		name      string
		dept, rep string
		want      []Rate
	}{
		{"center", "", "", []Rate{
			{Key: "2026-02-23", Due: 2, OnTime: 2},
			{Key: "2026-03-02"},
			{Key: "2026-03-09", Due: 5, OnTime: 2},
			{Key: "2026-03-16", Due: 3, OnTime: 2},
		}},
		{"prod", "prod", "", []Rate{
			{Key: "2026-02-23", Due: 1, OnTime: 1},
			{Key: "2026-03-02"},
			{Key: "2026-03-09", Due: 3, OnTime: 2},
			{Key: "2026-03-16"},
		}},
		{"li", "", "li", []Rate{
			{Key: "2026-02-23"},
			{Key: "2026-03-02"},
			{Key: "2026-03-09", Due: 2},
			{Key: "2026-03-16", Due: 1, OnTime: 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Trend(facts, weeks, tt.dept, tt.rep); !slices.Equal(got, tt.want) {
				t.Errorf("Trend = %+v, want %+v", got, tt.want)
			}
		})
	}
}
