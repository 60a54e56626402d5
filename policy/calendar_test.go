package policy

import (
	"fmt"
	"testing"
	"time"
)

var shanghai = mustLocation("Asia/Shanghai")

func mustLocation(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// sh is a wall-clock time in Shanghai, where the demo calendar lives.
func sh(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, shanghai)
}

func TestDemoCalendarAddWorking(t *testing.T) {
	cal := Demo().Calendar
	tests := []struct {
		name string
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"Friday afternoon + 4h lands on Monday", sh(3, 13, 16, 0), 4 * time.Hour, sh(3, 16, 11, 0)},
		{"across the lunch break", sh(3, 11, 10, 0), 3 * time.Hour, sh(3, 11, 14, 0)},
		{"ends exactly at the start of lunch", sh(3, 11, 11, 0), time.Hour, sh(3, 11, 12, 0)},
		{"ends exactly at the end of the day", sh(3, 11, 17, 0), time.Hour, sh(3, 11, 18, 0)},
		{"chain SLA of 16h from Monday morning ends Tuesday 18:00", sh(3, 9, 9, 0), 16 * time.Hour, sh(3, 10, 18, 0)},
		{"from inside lunch counts from 13:00", sh(3, 11, 12, 30), time.Hour, sh(3, 11, 14, 0)},
		{"from before work counts from 09:00", sh(3, 11, 7, 0), time.Hour, sh(3, 11, 10, 0)},
		{"from after work counts from the next morning", sh(3, 11, 19, 0), time.Hour, sh(3, 12, 10, 0)},
		{"from exactly 18:00 counts from the next morning", sh(3, 11, 18, 0), time.Minute, sh(3, 12, 9, 1)},
		{"from a Saturday counts from Monday", sh(3, 14, 10, 0), time.Hour, sh(3, 16, 10, 0)},
		{"across the May Day holiday", sh(4, 30, 17, 0), 4 * time.Hour, sh(5, 6, 12, 0)},
		{"a make-up Saturday counts", sh(5, 8, 17, 0), 2 * time.Hour, sh(5, 9, 10, 0)},
		{"make-up Saturday then Spring Festival", sh(2, 14, 17, 0), 2 * time.Hour, sh(2, 24, 10, 0)},
		{"National Day week, then Thursday, Friday and a make-up Saturday", sh(9, 30, 17, 0), 19 * time.Hour, sh(10, 10, 11, 0)},
		{"zero returns from, even outside working hours", sh(3, 14, 10, 0), 0, sh(3, 14, 10, 0)},
		{"a second", sh(3, 11, 11, 59), time.Second, time.Date(2026, 3, 11, 11, 59, 1, 0, shanghai)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.AddWorking(tt.from, tt.d)
			if !got.Equal(tt.want) {
				t.Errorf("AddWorking(%v, %v) = %v, want %v", tt.from, tt.d, got.In(shanghai), tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("result is in %v, want UTC", got.Location())
			}
			// The zone of the input must not matter.
			if again := cal.AddWorking(tt.from.UTC(), tt.d); !again.Equal(got) {
				t.Errorf("from in UTC gives %v, want %v", again, got)
			}
		})
	}
}

func TestDemoCalendarSubtractWorking(t *testing.T) {
	cal := Demo().Calendar
	tests := []struct {
		name     string
		deadline time.Time
		d        time.Duration
		want     time.Time
	}{
		{"Monday morning - 4h is Friday afternoon", sh(3, 16, 11, 0), 4 * time.Hour, sh(3, 13, 16, 0)},
		{"across the lunch break", sh(3, 11, 14, 0), 3 * time.Hour, sh(3, 11, 10, 0)},
		{"from 13:00 steps over lunch", sh(3, 11, 13, 0), time.Hour, sh(3, 11, 11, 0)},
		{"stays at the start of a period", sh(3, 11, 11, 0), 2 * time.Hour, sh(3, 11, 9, 0)},
		{"from 09:00 goes to the previous day", sh(3, 11, 9, 0), time.Hour, sh(3, 10, 17, 0)},
		{"reminder 2h before an 18:00 deadline", sh(3, 10, 18, 0), 2 * time.Hour, sh(3, 10, 16, 0)},
		{"back across the May Day holiday", sh(5, 6, 12, 0), 4 * time.Hour, sh(4, 30, 17, 0)},
		{"back into a make-up Saturday", sh(5, 11, 10, 0), 2 * time.Hour, sh(5, 9, 17, 0)},
		{"from a Sunday", sh(3, 15, 12, 0), time.Hour, sh(3, 13, 17, 0)},
		{"zero returns the deadline", sh(3, 15, 12, 0), 0, sh(3, 15, 12, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.SubtractWorking(tt.deadline, tt.d)
			if !got.Equal(tt.want) {
				t.Errorf("SubtractWorking(%v, %v) = %v, want %v", tt.deadline, tt.d, got.In(shanghai), tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("result is in %v, want UTC", got.Location())
			}
		})
	}
}

// TestDemoCalendarMirror checks AddWorking, SubtractWorking and WorkingBetween against each
// other over a fortnight of starting points that includes a make-up Saturday and a holiday.
func TestDemoCalendarMirror(t *testing.T) {
	cal := Demo().Calendar
	durations := []time.Duration{time.Minute, 90 * time.Minute, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 16 * time.Hour, 45 * time.Hour}
	start := sh(4, 28, 0, 0)
	for from := start; from.Before(start.Add(14 * 24 * time.Hour)); from = from.Add(37 * time.Minute) {
		for _, d := range durations {
			end := cal.AddWorking(from, d)
			if got := cal.WorkingBetween(from, end); got != d {
				t.Fatalf("WorkingBetween(%v, AddWorking(+%v) = %v) = %v", from, d, end, got)
			}
			if !end.After(from) {
				t.Fatalf("AddWorking(%v, %v) = %v is not after from", from, d, end)
			}
			back := cal.SubtractWorking(end, d)
			if got := cal.WorkingBetween(back, end); got != d {
				t.Fatalf("WorkingBetween(SubtractWorking(%v, %v) = %v, end) = %v", end, d, back, got)
			}
			// Inside a period (not on its start) the round trip is exact.
			if cal.IsWorkingTime(from) && cal.IsWorkingTime(from.Add(-time.Nanosecond)) && !back.Equal(from) {
				t.Fatalf("SubtractWorking(AddWorking(%v, %v), %v) = %v", from, d, d, back)
			}
		}
	}
}

func TestDemoCalendarWorkingBetween(t *testing.T) {
	cal := Demo().Calendar
	tests := []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"Friday 16:00 to Monday 11:00", sh(3, 13, 16, 0), sh(3, 16, 11, 0), 4 * time.Hour},
		{"reversed is negative", sh(3, 16, 11, 0), sh(3, 13, 16, 0), -4 * time.Hour},
		{"lunch does not count", sh(3, 11, 10, 0), sh(3, 11, 14, 0), 3 * time.Hour},
		{"an ordinary week", sh(3, 9, 0, 0), sh(3, 16, 0, 0), 40 * time.Hour},
		{"National Day week has none", sh(10, 1, 0, 0), sh(10, 8, 0, 0), 0},
		{"Thursday to Monday with a make-up Saturday", sh(10, 8, 0, 0), sh(10, 12, 0, 0), 24 * time.Hour},
		{"same instant", sh(3, 11, 10, 0), sh(3, 11, 10, 0), 0},
		{"a whole weekend", sh(3, 13, 18, 0), sh(3, 16, 9, 0), 0},
	}
	for _, tt := range tests {
		if got := cal.WorkingBetween(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: WorkingBetween = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestDemoCalendarIsWorkingTime(t *testing.T) {
	cal := Demo().Calendar
	tests := []struct {
		at   time.Time
		want bool
	}{
		{sh(3, 11, 9, 0), true},
		{sh(3, 11, 8, 59), false},
		{sh(3, 11, 11, 59), true},
		{sh(3, 11, 12, 0), false},
		{sh(3, 11, 13, 0), true},
		{sh(3, 11, 17, 59), true},
		{sh(3, 11, 18, 0), false},
		{sh(3, 14, 10, 0), false}, // Saturday
		{sh(5, 9, 10, 0), true},   // make-up Saturday
		{sh(10, 1, 10, 0), false}, // National Day, a Thursday
		{sh(1, 4, 10, 0), true},   // make-up Sunday
	}
	for _, tt := range tests {
		if got := cal.IsWorkingTime(tt.at); got != tt.want {
			t.Errorf("IsWorkingTime(%v) = %v, want %v", tt.at, got, tt.want)
		}
		if got := cal.IsWorkingTime(tt.at.UTC()); got != tt.want {
			t.Errorf("IsWorkingTime(%v UTC) = %v, want %v", tt.at.UTC(), got, tt.want)
		}
	}
}

func TestCalendarAcrossDST(t *testing.T) {
	berlin := mustLocation("Europe/Berlin")
	cal := Calendar{
		Timezone:  "Europe/Berlin",
		WorkDays:  []string{"mon", "tue", "wed", "thu", "fri"},
		WorkHours: []WorkPeriod{{Start: "09:00", End: "17:00"}},
	}
	// Summer time starts on Sunday 2026-03-29: 09:00 on Monday is 08:00 UTC, not 09:00 UTC.
	got := cal.AddWorking(time.Date(2026, 3, 27, 16, 0, 0, 0, berlin), 2*time.Hour)
	if want := time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("spring: got %v, want %v", got, want)
	}
	// Summer time ends on Sunday 2026-10-25: 10:00 on Monday is 09:00 UTC.
	got = cal.AddWorking(time.Date(2026, 10, 23, 16, 0, 0, 0, berlin), 2*time.Hour)
	if want := time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("autumn: got %v, want %v", got, want)
	}
	back := cal.SubtractWorking(time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC), 2*time.Hour)
	if want := time.Date(2026, 3, 27, 16, 0, 0, 0, berlin); !back.Equal(want) {
		t.Errorf("spring back: got %v, want %v", back, want)
	}

	// A period that contains the switch itself is an hour short: 01:00-04:00 on the night
	// the clocks jump from 02:00 to 03:00 lasts two hours.
	night := Calendar{Timezone: "Europe/Berlin", WorkDays: []string{"sun"}, WorkHours: []WorkPeriod{{Start: "01:00", End: "04:00"}}}
	sunday := time.Date(2026, 3, 29, 0, 0, 0, 0, berlin)
	if got := night.WorkingBetween(sunday, sunday.Add(24*time.Hour)); got != 2*time.Hour {
		t.Errorf("working time on the switch night = %v, want 2h", got)
	}
	got = night.AddWorking(sunday, 2*time.Hour)
	if want := time.Date(2026, 3, 29, 2, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("switch night + 2h = %v, want %v", got, want)
	}
	got = night.AddWorking(sunday, 3*time.Hour)
	if want := time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC); !got.Equal(want) { // 02:00 CEST next Sunday
		t.Errorf("switch night + 3h = %v, want %v", got, want)
	}
}

func TestCalendarWithoutWorkingTimeIsBounded(t *testing.T) {
	from := sh(3, 11, 10, 0)
	// Valid, but every Monday for four years is a holiday.
	mondays := Calendar{Timezone: "Asia/Shanghai", WorkDays: []string{"mon"}, WorkHours: []WorkPeriod{{Start: "09:00", End: "17:00"}}}
	for day := time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC); day.Year() < 2030; day = day.AddDate(0, 0, 7) {
		mondays.Holidays = append(mondays.Holidays, day.Format(time.DateOnly))
	}
	if err := mondays.Validate(); err != nil {
		t.Fatal(err)
	}
	invalid := Calendar{Timezone: "Asia/Shanghai", WorkHours: []WorkPeriod{{Start: "09:00", End: "17:00"}}}
	for name, cal := range map[string]Calendar{"all holidays": mondays, "no work days": invalid} {
		t.Run(name, func(t *testing.T) {
			if got := cal.AddWorking(from, time.Hour); !got.Equal(FarFuture) {
				t.Errorf("AddWorking = %v, want FarFuture", got)
			}
			if got := cal.SubtractWorking(from, time.Hour); !got.IsZero() {
				t.Errorf("SubtractWorking = %v, want the zero time", got)
			}
			if cal.IsWorkingTime(from) {
				t.Error("IsWorkingTime = true")
			}
			if got := cal.WorkingBetween(from, from.AddDate(1, 0, 0)); got != 0 {
				t.Errorf("WorkingBetween = %v, want 0", got)
			}
		})
	}
}

func TestCalendarValidate(t *testing.T) {
	good := func() Calendar {
		return Calendar{
			Timezone:  "Asia/Shanghai",
			WorkDays:  []string{"mon", "tue"},
			WorkHours: []WorkPeriod{{Start: "09:00", End: "12:00"}, {Start: "13:00", End: "18:00"}},
			Holidays:  []string{"2026-10-01"}, ExtraWorkDays: []string{"2026-10-10"},
		}
	}
	if err := good().Validate(); err != nil {
		t.Fatalf("good calendar: %v", err)
	}
	tests := []struct {
		name   string
		change func(*Calendar)
		want   string
	}{
		{"unknown timezone", func(c *Calendar) { c.Timezone = "Asia/Beijing" }, `unknown timezone "Asia/Beijing"`},
		{"empty timezone", func(c *Calendar) { c.Timezone = "" }, "timezone is empty"},
		{"host timezone", func(c *Calendar) { c.Timezone = "Local" }, `timezone "Local" depends on the host`},
		{"bad work day", func(c *Calendar) { c.WorkDays = []string{"monday"} }, `work day "monday" is not one of`},
		{"work day twice", func(c *Calendar) { c.WorkDays = []string{"mon", "mon"} }, `work day "mon" is listed twice`},
		{"no work days", func(c *Calendar) { c.WorkDays = nil }, "work_days is empty"},
		{"no work hours", func(c *Calendar) { c.WorkHours = nil }, "work_hours is empty"},
		{"overlapping hours", func(c *Calendar) { c.WorkHours[1].Start = "11:00" }, "work hours 09:00-12:00 and 11:00-18:00 overlap"},
		{"end before start", func(c *Calendar) { c.WorkHours[0].End = "08:00" }, "work hours 09:00-08:00 end at or before they start"},
		{"empty period", func(c *Calendar) { c.WorkHours[0].End = "09:00" }, "work hours 09:00-09:00 end at or before they start"},
		{"bad clock", func(c *Calendar) { c.WorkHours[0].Start = "9:00" }, `start "9:00" is not a time like 09:00`},
		{"hour out of range", func(c *Calendar) { c.WorkHours[1].End = "24:00" }, `end "24:00" is not a time of day`},
		{"bad holiday", func(c *Calendar) { c.Holidays = []string{"2026-13-01"} }, `holiday "2026-13-01" is not a date`},
		{"bad extra day", func(c *Calendar) { c.ExtraWorkDays = []string{"10/10/2026"} }, `extra work day "10/10/2026" is not a date`},
		{"holiday twice", func(c *Calendar) { c.Holidays = append(c.Holidays, "2026-10-01") }, "holiday 2026-10-01 is listed twice"},
		{"holiday and work day", func(c *Calendar) { c.ExtraWorkDays = []string{"2026-10-01"} }, "2026-10-01 is both a holiday and an extra work day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.change(&c)
			assertProblem(t, c.Validate(), tt.want)
		})
	}
}

func ExampleCalendar_AddWorking() {
	cal := Demo().Calendar
	friday := time.Date(2026, 3, 13, 16, 0, 0, 0, shanghai)
	fmt.Println(cal.AddWorking(friday, 4*time.Hour).In(shanghai).Format("Mon 2006-01-02 15:04"))
	// Output: Mon 2026-03-16 11:00
}
