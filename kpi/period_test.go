package kpi

import (
	"errors"
	"testing"
	"time"
)

func TestCalendarPeriods(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	berlin := zone(t, "Europe/Berlin")
	tests := []struct {
		name     string
		got      Period
		from, to time.Time
	}{
		{"week from a Wednesday", Week(at(t, sh, "2026-03-11 15:00:00"), sh),
			at(t, sh, "2026-03-09 00:00:00"), at(t, sh, "2026-03-16 00:00:00")},
		{"Sunday belongs to the week before", Week(at(t, sh, "2026-03-15 23:59:59"), sh),
			at(t, sh, "2026-03-09 00:00:00"), at(t, sh, "2026-03-16 00:00:00")},
		{"Monday midnight starts a week", Week(at(t, sh, "2026-03-16 00:00:00"), sh),
			at(t, sh, "2026-03-16 00:00:00"), at(t, sh, "2026-03-23 00:00:00")},
		// Sunday 17:00 UTC is Monday 01:00 in Shanghai: the policy zone decides.
		{"week in the policy zone", Week(at(t, time.UTC, "2026-03-15 17:00:00"), sh),
			at(t, sh, "2026-03-16 00:00:00"), at(t, sh, "2026-03-23 00:00:00")},
		{"week across a year", Week(at(t, sh, "2027-01-01 08:00:00"), sh),
			at(t, sh, "2026-12-28 00:00:00"), at(t, sh, "2027-01-04 00:00:00")},
		{"month", Month(at(t, sh, "2026-02-28 23:59:59"), sh),
			at(t, sh, "2026-02-01 00:00:00"), at(t, sh, "2026-03-01 00:00:00")},
		// 2026-02-28 16:00 UTC is March 1st in Shanghai.
		{"month in the policy zone", Month(at(t, time.UTC, "2026-02-28 16:00:00"), sh),
			at(t, sh, "2026-03-01 00:00:00"), at(t, sh, "2026-04-01 00:00:00")},
		{"month of December", Month(at(t, sh, "2026-12-31 12:00:00"), sh),
			at(t, sh, "2026-12-01 00:00:00"), at(t, sh, "2027-01-01 00:00:00")},
		{"first quarter", Quarter(at(t, sh, "2026-03-31 23:59:59"), sh),
			at(t, sh, "2026-01-01 00:00:00"), at(t, sh, "2026-04-01 00:00:00")},
		{"second quarter", Quarter(at(t, sh, "2026-04-01 00:00:00"), sh),
			at(t, sh, "2026-04-01 00:00:00"), at(t, sh, "2026-07-01 00:00:00")},
		{"fourth quarter", Quarter(at(t, sh, "2026-11-15 00:00:00"), sh),
			at(t, sh, "2026-10-01 00:00:00"), at(t, sh, "2027-01-01 00:00:00")},
		// 2026-12-31 16:30 UTC is New Year's Day 00:30 in Shanghai.
		{"quarter in the policy zone", Quarter(at(t, time.UTC, "2026-12-31 16:30:00"), sh),
			at(t, sh, "2027-01-01 00:00:00"), at(t, sh, "2027-04-01 00:00:00")},
		// Berlin moves to summer time on Sunday 2026-03-29: that week is 167 hours.
		{"week across daylight saving", Week(at(t, berlin, "2026-03-25 12:00:00"), berlin),
			at(t, berlin, "2026-03-23 00:00:00"), at(t, berlin, "2026-03-30 00:00:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.got.From.Equal(tt.from) || !tt.got.To.Equal(tt.to) {
				t.Errorf("period = [%v, %v), want [%v, %v)", tt.got.From, tt.got.To, tt.from, tt.to)
			}
		})
	}
	w := Week(at(t, berlin, "2026-03-25 12:00:00"), berlin)
	if d := w.To.Sub(w.From); d != 167*time.Hour {
		t.Errorf("week across daylight saving lasts %v, want 167h", d)
	}
}

func TestPeriodContainsIsHalfOpen(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	p := Period{From: from, To: from.AddDate(0, 0, 7)}
	tests := []struct {
		t    time.Time
		want bool
	}{
		{from, true},
		{from.Add(-time.Nanosecond), false},
		{p.To.Add(-time.Nanosecond), true},
		{p.To, false},
		{from.In(zone(t, "Asia/Shanghai")), true}, // the same instant on another clock
	}
	for _, tt := range tests {
		if got := p.Contains(tt.t); got != tt.want {
			t.Errorf("Contains(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestCustom(t *testing.T) {
	a := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	b := a.Add(time.Hour)
	if p, err := Custom(a, b); err != nil || !p.From.Equal(a) || !p.To.Equal(b) {
		t.Errorf("Custom(a, b) = %+v, %v", p, err)
	}
	for _, to := range []time.Time{a, a.Add(-time.Second)} {
		if _, err := Custom(a, to); !errors.Is(err, ErrEmptyPeriod) {
			t.Errorf("Custom(%v, %v) error = %v, want ErrEmptyPeriod", a, to, err)
		}
	}
}

func TestWeeks(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	got := Weeks(at(t, sh, "2026-03-18 10:00:00"), 3, sh)
	want := []string{"2026-03-02", "2026-03-09", "2026-03-16"}
	if len(got) != len(want) {
		t.Fatalf("Weeks = %v, want %d weeks", got, len(want))
	}
	for i, w := range got {
		if s := w.From.Format(time.DateOnly); s != want[i] {
			t.Errorf("week %d starts %s, want %s", i, s, want[i])
		}
		if i > 0 && !got[i-1].To.Equal(w.From) {
			t.Errorf("week %d does not follow week %d", i, i-1)
		}
	}
	if Weeks(time.Now(), 0, sh) != nil {
		t.Error("Weeks(0) is not empty")
	}
}
