package kpi

import (
	"slices"
	"testing"
	"time"
)

// boardFacts is the hand-counted fixture of the board figures, read at 2026-03-20 12:00 +08
// (AT) and over March 2026 in Asia/Shanghai.
//
//	open at AT by severity: critical 2 (B1 B2), major 2 (B3 B11), minor 1 (B4)
//	overdue at AT: 2 (B3 B4)
//	ages at AT: under 1d B1; 1–3d B2 B11; 3–7d B3; 7d or more B4
//	closed in March: B4 (264h) and B5 (240h) → 2 closed, 504h, mean 252h
//	escalations in March: B3 ×2, B4 ×1 → 3
func boardFacts(t *testing.T) []Fact {
	sh := zone(t, "Asia/Shanghai")
	d := func(s string) time.Time { return at(t, sh, s) }
	return []Fact{
		// B1 open, 2h old, due tomorrow.
		{ProblemID: "B1", Severity: "critical", Status: StatusInProgress,
			PublishedAt: d("2026-03-20 10:00:00"), DueAt: d("2026-03-21 12:00:00")},
		// B2 open (solved, awaiting verification), exactly 1 day old, due exactly at AT: not overdue.
		{ProblemID: "B2", Severity: "critical", Status: StatusSolved,
			PublishedAt: d("2026-03-19 12:00:00"), DueAt: d("2026-03-20 12:00:00")},
		// B3 open, exactly 3 days old, overdue; escalated twice in March.
		{ProblemID: "B3", Severity: "major", Status: StatusInProgress,
			PublishedAt: d("2026-03-17 12:00:00"), DueAt: d("2026-03-18 12:00:00"), Escalations: 2,
			EscalatedAt: []time.Time{d("2026-03-19 09:00:00"), d("2026-03-20 09:00:00")}},
		// B4 open at AT (closed the day after), 10 days old, overdue; closed in March after 11
		// days (264h); escalated once in February, once in March.
		{ProblemID: "B4", Severity: "minor", Status: StatusClosed,
			PublishedAt: d("2026-03-10 12:00:00"), DueAt: d("2026-03-15 12:00:00"), ClosedAt: d("2026-03-21 12:00:00"),
			Escalations: 2, EscalatedAt: []time.Time{d("2026-02-28 23:00:00"), d("2026-03-16 09:00:00")}},
		// B5 closed before AT; closed in March after 10 days (240h).
		{ProblemID: "B5", Severity: "minor", Status: StatusClosed,
			PublishedAt: d("2026-03-01 00:00:00"), DueAt: d("2026-03-12 00:00:00"), ClosedAt: d("2026-03-11 00:00:00")},
		// B6 not counted: merged; it would otherwise be open, overdue and escalated in March.
		{ProblemID: "B6", Severity: "major", Status: StatusMerged, MergedInto: "B3",
			PublishedAt: d("2026-03-17 12:00:00"), DueAt: d("2026-03-18 12:00:00"), Escalations: 1,
			EscalatedAt: []time.Time{d("2026-03-19 09:00:00")}},
		// B7 not open: raised, not yet published.
		{ProblemID: "B7", Severity: "major", Status: StatusRaised, RaisedAt: d("2026-03-19 08:00:00")},
		// B8 not open at AT: published after it.
		{ProblemID: "B8", Severity: "critical", Status: StatusInProgress,
			PublishedAt: d("2026-03-21 08:00:00"), DueAt: d("2026-03-22 08:00:00")},
		// B9 not counted: rejected, with a closure in March that must not count.
		{ProblemID: "B9", Severity: "major", Status: StatusRejected,
			PublishedAt: d("2026-03-02 00:00:00"), DueAt: d("2026-03-05 00:00:00"), ClosedAt: d("2026-03-03 00:00:00")},
		// B10 not open at AT (published later); closed exactly at the end of March, which is
		// April; escalated exactly at the end of March, also April.
		{ProblemID: "B10", Severity: "minor", Status: StatusClosed,
			PublishedAt: d("2026-03-25 00:00:00"), DueAt: d("2026-04-02 00:00:00"), ClosedAt: d("2026-04-01 00:00:00"),
			Escalations: 1, EscalatedAt: []time.Time{d("2026-04-01 00:00:00")}},
		// B11 open, 2 days old, not overdue: the status governs, so a closure time left behind by
		// a refused verification does not close it (nor count in the time to close).
		{ProblemID: "B11", Severity: "major", Status: StatusInProgress, Reopened: 1,
			PublishedAt: d("2026-03-18 12:00:00"), DueAt: d("2026-03-25 12:00:00"), ClosedAt: d("2026-03-19 12:00:00")},
	}
}

func boardInstant(t *testing.T) time.Time {
	return at(t, zone(t, "Asia/Shanghai"), "2026-03-20 12:00:00")
}

func TestOpenBySeverity(t *testing.T) {
	got := OpenBySeverity(boardFacts(t), boardInstant(t))
	want := []Count{{"critical", 2}, {"major", 2}, {"minor", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("OpenBySeverity = %v, want %v", got, want)
	}
}

func TestOverdue(t *testing.T) {
	if got := Overdue(boardFacts(t), boardInstant(t)); got != 2 {
		t.Errorf("Overdue = %d, want 2", got)
	}
	// One nanosecond later B2 is overdue too.
	if got := Overdue(boardFacts(t), boardInstant(t).Add(time.Nanosecond)); got != 3 {
		t.Errorf("Overdue a moment later = %d, want 3", got)
	}
}

func TestAgeing(t *testing.T) {
	want := Ages{UnderOneDay: 1, OneToThreeDays: 2, ThreeToSevenDays: 1, SevenDaysOrMore: 1}
	if got := Ageing(boardFacts(t), boardInstant(t)); got != want {
		t.Errorf("Ageing = %+v, want %+v", got, want)
	}
}

func TestTimeToClose(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	got := TimeToClose(boardFacts(t), Month(boardInstant(t), sh))
	if got.Closed != 2 || got.Total != 504*time.Hour {
		t.Errorf("TimeToClose = %+v, want 2 closed in 504h", got)
	}
	if m, ok := got.Mean(); !ok || m != 252*time.Hour {
		t.Errorf("Mean = %v, %v; want 252h", m, ok)
	}
	april := TimeToClose(boardFacts(t), Month(at(t, sh, "2026-04-10 00:00:00"), sh))
	if april.Closed != 1 || april.Total != 168*time.Hour {
		t.Errorf("TimeToClose(April) = %+v, want B10: 1 closed in 168h", april)
	}
	if _, ok := (CloseTime{}).Mean(); ok {
		t.Error("nothing closed has a mean")
	}
}

func TestEscalations(t *testing.T) {
	sh := zone(t, "Asia/Shanghai")
	tests := []struct {
		name string
		p    Period
		want int
	}{
		{"March", Month(boardInstant(t), sh), 3},                     // B3 ×2, B4 03-16
		{"February", Month(at(t, sh, "2026-02-10 00:00:00"), sh), 1}, // B4 02-28
		{"April", Month(at(t, sh, "2026-04-10 00:00:00"), sh), 1},    // B10 at April's first instant
		{"week of 03-16", Week(boardInstant(t), sh), 3},              // B3 03-19, B3 03-20, B4 03-16
		{"week of 03-09", Week(at(t, sh, "2026-03-09 00:00:00"), sh), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escalations(boardFacts(t), tt.p); got != tt.want {
				t.Errorf("Escalations = %d, want %d", got, tt.want)
			}
		})
	}
}
