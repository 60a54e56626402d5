package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCheckSpentOn(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	today := day("2026-12-07")
	ninety := 90
	for _, tc := range []struct {
		rules Expense
		spent string
		want  string
		limit string
	}{
		{Expense{}, "2026-12-07", "", ""},
		{Expense{}, "2026-12-08", SpentInFuture, "2026-12-07"},
		{Expense{}, "9999-12-31", SpentInFuture, "2026-12-07"},
		{Expense{}, "2025-12-07", "", ""}, // 365 days back: the oldest day allowed
		{Expense{}, "2025-12-06", SpentTooOld, "2025-12-07"},
		{Expense{}, "0001-01-01", SpentTooOld, "2025-12-07"},
		{Expense{MaxAgeDays: &ninety}, "2026-09-08", "", ""},
		{Expense{MaxAgeDays: &ninety}, "2026-09-07", SpentTooOld, "2026-09-08"},
	} {
		got, limit := tc.rules.CheckSpentOn(day(tc.spent), today)
		if got != tc.want || (tc.want != "" && limit.Format(time.DateOnly) != tc.limit) {
			t.Errorf("max age %d, spent %s: got %q %s, want %q %s", tc.rules.MaxAge(), tc.spent, got,
				limit.Format(time.DateOnly), tc.want, tc.limit)
		}
	}
}

// The age limit is checked on load: written, it lies within 1…MaxExpenseMaxAgeDays.
func TestExpenseMaxAgeIsValidatedOnLoad(t *testing.T) {
	src := string(DemoYAML)
	const line = "  max_age_days: 180\n"
	if !strings.Contains(src, line) {
		t.Fatal("demo.yaml no longer sets expense.max_age_days")
	}
	for _, n := range []string{"0", "-1", "3661", "100000"} {
		_, err := Load([]byte(strings.Replace(src, line, "  max_age_days: "+n+"\n", 1)))
		assertProblem(t, err, "expense: max_age_days "+n)
	}
	for n, want := range map[string]int{"1": 1, "3660": 3660} {
		d, err := Load([]byte(strings.Replace(src, line, "  max_age_days: "+n+"\n", 1)))
		if err != nil {
			t.Fatalf("max_age_days %s: %v", n, err)
		}
		if d.Expense.MaxAge() != want {
			t.Errorf("max_age_days %s: MaxAge %d", n, d.Expense.MaxAge())
		}
	}
	if _, err := Load([]byte(strings.Replace(src, line, "  max_age_days: soon\n", 1))); err == nil {
		t.Error("max_age_days: soon was accepted")
	}
}

// A document without the section (every one stored before it existed) means the default and
// keeps its stored form: the section is left out of the JSON.
func TestExpenseSectionLeftOutWhenUnset(t *testing.T) {
	d := Demo()
	if d.Expense.MaxAge() != 180 {
		t.Errorf("demo max age %d, want 180", d.Expense.MaxAge())
	}
	d.Expense = Expense{}
	if d.Expense.MaxAge() != DefaultExpenseMaxAgeDays {
		t.Errorf("unset max age %d, want %d", d.Expense.MaxAge(), DefaultExpenseMaxAgeDays)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if section, ok := top["expense"]; ok {
		t.Errorf("an unset expense section is written out: %s", section)
	}
	back, err := FromJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Checksum() != d.Checksum() || back.Expense.MaxAgeDays != nil {
		t.Error("an unset expense section does not survive a JSON round trip unchanged")
	}
}
