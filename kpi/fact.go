package kpi

import (
	"slices"
	"time"
)

// Statuses of a problem, as its workflow records them.
const (
	StatusRaised     = "raised"
	StatusRejected   = "rejected"
	StatusMerged     = "merged"
	StatusInProgress = "in_progress"
	StatusSolved     = "solved"
	StatusClosed     = "closed"
)

// Fact is what the figures know about one problem: its state now, as the store reads it from the
// problems table and the problem's ledger.
type Fact struct {
	ProblemID       string
	Status          string
	Severity        string
	Departments     []string  // responsible now, after any re-publication
	Representatives []string  // responsible now, after any re-publication
	DueAt           time.Time // the due date in force, after any change; zero if never published
	OriginalDueAt   time.Time // the due date first published
	PublishedAt     time.Time // first publication; zero if never published
	ClosedAt        time.Time // the final verification; zero unless closed
	RaisedAt        time.Time
	Reopened        int // verifications refused
	DueChanges      int // times the due date was moved
	Publications    int // times published, re-publications included
	Escalations     int // escalations ever, for the drill-down
	// EscalatedAt are the instants of the escalations (the ledger's "escalated" seals); the
	// escalations of a period are counted from these, not from Escalations.
	EscalatedAt []time.Time
	MergedInto  string
}

// Counted reports whether the problem counts in any figure: it was published (it has a due date)
// and was neither rejected as invalid nor merged into a duplicate.
func (f Fact) Counted() bool {
	if f.Status == StatusRejected || f.Status == StatusMerged || f.MergedInto != "" {
		return false
	}
	return !f.DueAt.IsZero()
}

// ClosedOnTime reports whether the problem was closed no later than the due date in force. A
// problem closed exactly at its due time is on time.
func (f Fact) ClosedOnTime() bool {
	return f.Status == StatusClosed && !f.ClosedAt.IsZero() && !f.ClosedAt.After(f.DueAt)
}

// openAt reports whether a counted problem was open at an instant: published by then and not
// closed by then. A problem reported solved but not yet verified is open.
func (f Fact) openAt(at time.Time) bool {
	if f.PublishedAt.IsZero() || f.PublishedAt.After(at) {
		return false
	}
	return f.Status != StatusClosed || f.ClosedAt.IsZero() || f.ClosedAt.After(at)
}

// distinct returns the non-empty keys once each, so a department listed twice counts once.
func distinct(keys []string) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}
