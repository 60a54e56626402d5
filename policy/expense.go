package policy

import (
	"fmt"
	"time"
)

// Expense holds the rules of expense claims that are not chains.
type Expense struct {
	// MaxAgeDays is how many days before the day of submission a line item may be dated: an
	// older receipt is refused (报销时效). Absent means DefaultExpenseMaxAgeDays, so that a
	// document written before the rule existed keeps its meaning and its checksum; written, it
	// must lie in 1…MaxExpenseMaxAgeDays.
	MaxAgeDays *int `json:"max_age_days,omitempty" yaml:"max_age_days"`
}

const (
	// DefaultExpenseMaxAgeDays is a year: the span most companies give a receipt to be claimed.
	DefaultExpenseMaxAgeDays = 365
	// MaxExpenseMaxAgeDays bounds the setting at ten years, the longest accounting records are
	// kept (会计档案); anything longer is a typing slip, not a rule.
	MaxExpenseMaxAgeDays = 3660
)

// Line-item date problems, the keys the service reports them under ("problem.<key>").
const (
	SpentInFuture = "spent_in_future" // dated after today
	SpentTooOld   = "spent_too_old"   // dated before the oldest day a claim may reach back to
)

// MaxAge is the number of days a line item may reach back.
func (e Expense) MaxAge() int {
	if e.MaxAgeDays == nil {
		return DefaultExpenseMaxAgeDays
	}
	return *e.MaxAgeDays
}

// CheckSpentOn says whether a line item dated day may be claimed on today, both civil dates
// (midnight UTC, as days are stored) in the policy calendar's timezone: nothing after today,
// nothing before today less MaxAge days. It returns "" or the problem's key with the day the
// rule was crossed at (today, or the oldest day allowed), for the message.
func (e Expense) CheckSpentOn(day, today time.Time) (problem string, limit time.Time) {
	if day.After(today) {
		return SpentInFuture, today
	}
	if oldest := today.AddDate(0, 0, -e.MaxAge()); day.Before(oldest) {
		return SpentTooOld, oldest
	}
	return "", time.Time{}
}

func (e Expense) problems() []string {
	if n := e.MaxAgeDays; n != nil && (*n < 1 || *n > MaxExpenseMaxAgeDays) {
		return []string{fmt.Sprintf("expense: max_age_days %d must be between 1 and %d", *n, MaxExpenseMaxAgeDays)}
	}
	return nil
}
