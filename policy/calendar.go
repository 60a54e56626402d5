package policy

import (
	"fmt"
	"sort"
	"sync"
	"time"

	// Embedded zone data: every worker computes the same deadlines even on an image without
	// /usr/share/zoneinfo, which a workflow replay on another host depends on.
	_ "time/tzdata"
)

// Calendar is the working calendar deadlines are counted in: SLAs are working time, so a claim
// submitted on Friday afternoon is not overdue on Saturday.
//
// A date is a working day when it is listed in ExtraWorkDays (调休, e.g. a make-up Saturday), or
// when its weekday is in WorkDays and it is not listed in Holidays. Working time is the WorkHours
// periods of working days, in Timezone.
type Calendar struct {
	Timezone      string       `json:"timezone" yaml:"timezone"`   // IANA name, e.g. Asia/Shanghai
	WorkDays      []string     `json:"work_days" yaml:"work_days"` // "mon" … "sun"
	WorkHours     []WorkPeriod `json:"work_hours" yaml:"work_hours"`
	Holidays      []string     `json:"holidays,omitempty" yaml:"holidays"`               // "2026-10-01": days off
	ExtraWorkDays []string     `json:"extra_work_days,omitempty" yaml:"extra_work_days"` // make-up working days
}

// WorkPeriod is one period of a working day, "09:00" to "12:00" local time; End is exclusive.
type WorkPeriod struct {
	Start string `json:"start" yaml:"start"`
	End   string `json:"end" yaml:"end"`
}

// FarFuture is what AddWorking returns when the calendar has no working time within
// calendarHorizon (or is invalid): a deadline that never comes.
var FarFuture = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// calendarHorizon bounds every search for working time, so a calendar made only of holidays
// cannot loop forever.
const calendarHorizon = 3*366 + 1 // days

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// IsWorkingTime reports whether t falls inside a working period (start inclusive, end exclusive).
// An invalid calendar has no working time.
func (c Calendar) IsWorkingTime(t time.Time) bool {
	cc, err := c.compile()
	if err != nil {
		return false
	}
	day := civilOf(t.In(cc.loc))
	if !cc.isWorkingDay(day) {
		return false
	}
	for _, p := range cc.periods {
		s, e := cc.bounds(day, p)
		if !t.Before(s) && t.Before(e) {
			return true
		}
	}
	return false
}

// AddWorking returns the instant, in UTC, at which d of working time has elapsed after from.
// Outside working hours counting starts at the next working period. A result that falls exactly
// on the end of a period stays there (18:00, not 09:00 the next working day). d <= 0 returns from.
// If the calendar yields no such instant within three years (or is invalid), it returns FarFuture.
func (c Calendar) AddWorking(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from.UTC()
	}
	cc, err := c.compile()
	if err != nil {
		return FarFuture
	}
	day := civilOf(from.In(cc.loc))
	for range calendarHorizon {
		if cc.isWorkingDay(day) {
			for _, p := range cc.periods {
				s, e := cc.bounds(day, p)
				if !e.After(from) {
					continue
				}
				if s.Before(from) {
					s = from
				}
				avail := e.Sub(s)
				if d <= avail {
					return s.Add(d).UTC()
				}
				d -= avail
			}
		}
		day = day.add(1)
	}
	return FarFuture
}

// SubtractWorking returns the instant, in UTC, that lies d of working time before deadline: when
// to remind someone "2 working hours left". It mirrors AddWorking: a result exactly at the start
// of a period stays there. d <= 0 returns deadline. If there is no such instant within three
// years (or the calendar is invalid), it returns the zero time, which is before any real instant.
func (c Calendar) SubtractWorking(deadline time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return deadline.UTC()
	}
	cc, err := c.compile()
	if err != nil {
		return time.Time{}
	}
	day := civilOf(deadline.In(cc.loc))
	for range calendarHorizon {
		if cc.isWorkingDay(day) {
			for i := len(cc.periods) - 1; i >= 0; i-- {
				s, e := cc.bounds(day, cc.periods[i])
				if !s.Before(deadline) {
					continue
				}
				if e.After(deadline) {
					e = deadline
				}
				avail := e.Sub(s)
				if d <= avail {
					return e.Add(-d).UTC()
				}
				d -= avail
			}
		}
		day = day.add(-1)
	}
	return time.Time{}
}

// WorkingBetween returns the working time between a and b; negative when b is before a. Its cost
// grows with the number of calendar days between them.
func (c Calendar) WorkingBetween(a, b time.Time) time.Duration {
	if b.Before(a) {
		return -c.WorkingBetween(b, a)
	}
	cc, err := c.compile()
	if err != nil {
		return 0
	}
	var total time.Duration
	last := civilOf(b.In(cc.loc))
	for day := civilOf(a.In(cc.loc)); !last.before(day); day = day.add(1) {
		if !cc.isWorkingDay(day) {
			continue
		}
		for _, p := range cc.periods {
			s, e := cc.bounds(day, p)
			if s.Before(a) {
				s = a
			}
			if e.After(b) {
				e = b
			}
			if e.After(s) {
				total += e.Sub(s)
			}
		}
	}
	return total
}

// Validate refuses a calendar that cannot be computed with, naming every problem.
func (c Calendar) Validate() error {
	if p := c.problems(); len(p) > 0 {
		return &ValidationError{Problems: p}
	}
	return nil
}

func (c Calendar) problems() []string {
	var out []string
	if c.Timezone == "" {
		out = append(out, "calendar: timezone is empty")
	} else if c.Timezone == "Local" {
		out = append(out, `calendar: timezone "Local" depends on the host; name a zone such as Asia/Shanghai`)
	} else if _, err := loadLocation(c.Timezone); err != nil {
		out = append(out, fmt.Sprintf("calendar: unknown timezone %q", c.Timezone))
	}
	seenDay := map[string]bool{}
	for _, name := range c.WorkDays {
		if _, ok := weekdayNames[name]; !ok {
			out = append(out, fmt.Sprintf("calendar: work day %q is not one of mon, tue, wed, thu, fri, sat, sun", name))
		} else if seenDay[name] {
			out = append(out, fmt.Sprintf("calendar: work day %q is listed twice", name))
		}
		seenDay[name] = true
	}
	if len(c.WorkDays) == 0 {
		out = append(out, "calendar: work_days is empty, so there is no working time")
	}
	if len(c.WorkHours) == 0 {
		out = append(out, "calendar: work_hours is empty, so there is no working time")
	}
	var spans []span
	for _, p := range c.WorkHours {
		s, errS := parseClock(p.Start)
		e, errE := parseClock(p.End)
		switch {
		case errS != nil:
			out = append(out, fmt.Sprintf("calendar: work hours %s-%s: start %v", p.Start, p.End, errS))
		case errE != nil:
			out = append(out, fmt.Sprintf("calendar: work hours %s-%s: end %v", p.Start, p.End, errE))
		case e <= s:
			out = append(out, fmt.Sprintf("calendar: work hours %s-%s end at or before they start", p.Start, p.End))
		default:
			spans = append(spans, span{s, e})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			out = append(out, fmt.Sprintf("calendar: work hours %s and %s overlap", spans[i-1], spans[i]))
		}
	}
	holidays := map[civilDate]bool{}
	for _, s := range c.Holidays {
		d, err := parseCivil(s)
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("calendar: holiday %q is not a date like 2026-10-01", s))
		case holidays[d]:
			out = append(out, fmt.Sprintf("calendar: holiday %s is listed twice", s))
		}
		holidays[d] = true
	}
	extra := map[civilDate]bool{}
	for _, s := range c.ExtraWorkDays {
		d, err := parseCivil(s)
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("calendar: extra work day %q is not a date like 2026-10-10", s))
		case extra[d]:
			out = append(out, fmt.Sprintf("calendar: extra work day %s is listed twice", s))
		case holidays[d]:
			out = append(out, fmt.Sprintf("calendar: %s is both a holiday and an extra work day", s))
		}
		extra[d] = true
	}
	return out
}

// compiledCalendar is a Calendar parsed for computing.
type compiledCalendar struct {
	loc      *time.Location
	days     [7]bool
	periods  []span // sorted, disjoint
	holidays map[civilDate]bool
	extra    map[civilDate]bool
}

func (c Calendar) compile() (*compiledCalendar, error) {
	if p := c.problems(); len(p) > 0 {
		return nil, &ValidationError{Problems: p}
	}
	loc, _ := loadLocation(c.Timezone) // checked by problems
	cc := &compiledCalendar{loc: loc, holidays: map[civilDate]bool{}, extra: map[civilDate]bool{}}
	for _, name := range c.WorkDays {
		cc.days[weekdayNames[name]] = true
	}
	for _, p := range c.WorkHours {
		s, _ := parseClock(p.Start)
		e, _ := parseClock(p.End)
		cc.periods = append(cc.periods, span{s, e})
	}
	sort.Slice(cc.periods, func(i, j int) bool { return cc.periods[i].start < cc.periods[j].start })
	for _, s := range c.Holidays {
		d, _ := parseCivil(s)
		cc.holidays[d] = true
	}
	for _, s := range c.ExtraWorkDays {
		d, _ := parseCivil(s)
		cc.extra[d] = true
	}
	return cc, nil
}

func (cc *compiledCalendar) isWorkingDay(d civilDate) bool {
	if cc.extra[d] {
		return true
	}
	return cc.days[d.weekday()] && !cc.holidays[d]
}

// bounds returns the instants a period starts and ends on a given day. Building them with
// time.Date in the zone keeps 09:00 at 09:00 local on both sides of a DST change.
func (cc *compiledCalendar) bounds(d civilDate, p span) (time.Time, time.Time) {
	return time.Date(d.y, d.m, d.d, 0, p.start, 0, 0, cc.loc),
		time.Date(d.y, d.m, d.d, 0, p.end, 0, 0, cc.loc)
}

// span is a period of a day in minutes after midnight, [start, end).
type span struct{ start, end int }

func (s span) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.start/60, s.start%60, s.end/60, s.end%60)
}

// parseClock reads "HH:MM" (00:00 to 23:59) into minutes after midnight.
func parseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' || !allDigits(s[:2]) || !allDigits(s[3:]) {
		return 0, fmt.Errorf("%q is not a time like 09:00", s)
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 23 || m > 59 {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return h*60 + m, nil
}

// civilDate is a date on the wall calendar, without a zone.
type civilDate struct {
	y int
	m time.Month
	d int
}

func civilOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

func parseCivil(s string) (civilDate, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return civilDate{}, err
	}
	return civilOf(t), nil
}

// add moves n days, computed in UTC so no zone transition can skip or repeat a date.
func (c civilDate) add(n int) civilDate {
	return civilOf(time.Date(c.y, c.m, c.d+n, 12, 0, 0, 0, time.UTC))
}

func (c civilDate) weekday() time.Weekday {
	return time.Date(c.y, c.m, c.d, 12, 0, 0, 0, time.UTC).Weekday()
}

func (c civilDate) before(o civilDate) bool {
	if c.y != o.y {
		return c.y < o.y
	}
	if c.m != o.m {
		return c.m < o.m
	}
	return c.d < o.d
}

// locations caches loaded zones: time.LoadLocation reads zone data on every call.
var locations sync.Map // string → *time.Location

func loadLocation(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, l)
	return l, nil
}
