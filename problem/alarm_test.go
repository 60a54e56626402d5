package problem_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"signoff/problem"
)

type alarm struct {
	at   time.Time
	kind problem.AlarmKind
	rung int
}

// nextAlarm returns the next alarm, failing the test if there is none.
func nextAlarm(t *testing.T, st *problem.State) alarm {
	t.Helper()
	at, kind, rung, ok := st.NextAlarm()
	if !ok {
		t.Fatalf("no alarm pending on a %s problem", st.Status)
	}
	return alarm{at, kind, rung}
}

func noAlarm(t *testing.T, st *problem.State) {
	t.Helper()
	if at, kind, rung, ok := st.NextAlarm(); ok {
		t.Fatalf("unexpected alarm: %s rung %d at %s", kind, rung, at)
	}
}

// TestLadderAcrossTheWeekendAndHolidays publishes a high-severity problem (16 working hours)
// on a Thursday morning, and follows the reminder (4 working hours before the due date) and the
// two rungs (at once past the due date to the center's director, 8 working hours later to the
// department leaders) across a weekend, and across the Qingming holidays.
func TestLadderAcrossTheWeekendAndHolidays(t *testing.T) {
	tests := []struct {
		name         string
		published    time.Time
		due, remind  time.Time
		rung0, rung1 time.Time
	}{
		{
			name:      "weekend",
			published: cst(2026, time.March, 5, 10, 0), // Thursday
			due:       cst(2026, time.March, 9, 10, 0), // Monday: 7h Thu, 8h Fri, 1h Mon
			remind:    cst(2026, time.March, 6, 15, 0), // Friday: 1h Mon, 3h Fri
			rung0:     cst(2026, time.March, 9, 10, 0).Add(time.Second),
			rung1:     cst(2026, time.March, 10, 10, 0), // Tuesday: 7h Mon, 1h Tue
		},
		{
			name:      "Qingming",
			published: cst(2026, time.April, 2, 10, 0), // Thursday before 4-6 April
			due:       cst(2026, time.April, 7, 10, 0), // Tuesday
			remind:    cst(2026, time.April, 3, 15, 0), // Friday
			rung0:     cst(2026, time.April, 7, 10, 0).Add(time.Second),
			rung1:     cst(2026, time.April, 8, 10, 0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := raise(t, problemID, raiser, "high", tt.published.Add(-time.Hour))
			publish(t, st, toQuality, tt.published)
			if !st.DueAt.Equal(tt.due) {
				t.Fatalf("due %s, want %s", st.DueAt.In(shanghai), tt.due)
			}

			if got, want := nextAlarm(t, st), (alarm{tt.remind, problem.AlarmReminder, 0}); !sameAlarm(got, want) {
				t.Fatalf("first alarm %+v, want %+v", got, want)
			}
			o := st.Remind(tt.remind)
			want := problem.Outcome{
				Seals:   []problem.Seal{{Seq: 3, Decision: problem.DecReminded, Actor: problem.SystemActor, DueAt: tt.due.UTC(), At: tt.remind}},
				Notices: []problem.Notice{{Kind: problem.NoticeReminder, Recipients: []string{"li.na"}}},
			}
			if !reflect.DeepEqual(o, want) {
				t.Errorf("remind %+v, want %+v", o, want)
			}
			if o := st.Remind(tt.remind); len(o.Seals) != 0 {
				t.Errorf("reminded twice: %+v", o)
			}

			if got, want := nextAlarm(t, st), (alarm{tt.rung0, problem.AlarmEscalation, 0}); !sameAlarm(got, want) {
				t.Fatalf("second alarm %+v, want %+v", got, want)
			}
			if st.Overdue(tt.due) || !st.Overdue(tt.rung0) {
				t.Errorf("overdue at the due date %v, a second later %v", st.Overdue(tt.due), st.Overdue(tt.rung0))
			}
			o = st.Escalate(0, tt.rung0)
			if s := o.Seals[0]; s.Decision != problem.DecEscalated || s.Actor != problem.SystemActor ||
				s.Target != problem.RecipientCenterDirector || s.Seq != 4 {
				t.Errorf("rung 0 seal %+v", s)
			}
			if !reflect.DeepEqual(o.Notices, []problem.Notice{{Kind: problem.NoticeEscalation, Recipients: []string{problem.RecipientCenterDirector}}}) {
				t.Errorf("rung 0 notices %+v", o.Notices)
			}

			if got, want := nextAlarm(t, st), (alarm{tt.rung1, problem.AlarmEscalation, 1}); !sameAlarm(got, want) {
				t.Fatalf("third alarm %+v, want %+v", got, want)
			}
			o = st.Escalate(1, tt.rung1)
			if s := o.Seals[0]; s.Target != problem.DepartmentLeader("quality") {
				t.Errorf("rung 1 seal %+v", s)
			}
			if !reflect.DeepEqual(o.Notices, []problem.Notice{{Kind: problem.NoticeEscalation, Recipients: []string{"department_leader:quality"}}}) {
				t.Errorf("rung 1 notices %+v", o.Notices)
			}
			if st.Rung != 2 || st.Escalations != 2 {
				t.Errorf("rung %d, escalations %d", st.Rung, st.Escalations)
			}
			noAlarm(t, st)
			if o := st.Escalate(1, tt.rung1); len(o.Seals) != 0 || st.Escalations != 2 {
				t.Errorf("rung 1 climbed twice: %+v", o)
			}
		})
	}
}

func sameAlarm(a, b alarm) bool { return a.at.Equal(b.at) && a.kind == b.kind && a.rung == b.rung }

// TestDueChangeRearmsTheLadder: a new due date brings a new reminder and the ladder from its
// first rung; one too near for a reminder goes straight to the ladder.
func TestDueChangeRearmsTheLadder(t *testing.T) {
	st := raise(t, problemID, raiser, "high", cst(2026, time.March, 5, 9, 0))
	publish(t, st, toQuality, cst(2026, time.March, 5, 10, 0))
	st.Remind(cst(2026, time.March, 6, 15, 0))
	st.Escalate(0, cst(2026, time.March, 9, 10, 0).Add(time.Second))
	if st.Rung != 1 || !st.Reminded {
		t.Fatalf("rung %d, reminded %v", st.Rung, st.Reminded)
	}

	later := cst(2026, time.March, 11, 18, 0)
	do(t, st, problem.Action{Type: problem.ActChangeDue, Actor: dispatcher, Comment: "供应商周三到货", DueAt: later},
		cst(2026, time.March, 9, 11, 0))
	if st.Rung != 0 || st.Reminded || st.Overdue(cst(2026, time.March, 9, 11, 0)) {
		t.Errorf("not re-armed: rung %d, reminded %v", st.Rung, st.Reminded)
	}
	if got, want := nextAlarm(t, st), (alarm{cst(2026, time.March, 11, 14, 0), problem.AlarmReminder, 0}); !sameAlarm(got, want) {
		t.Errorf("alarm %+v, want %+v", got, want)
	}

	// Due three working hours from now: the reminder's time (four hours before) has passed.
	soon := cst(2026, time.March, 9, 15, 0)
	do(t, st, problem.Action{Type: problem.ActChangeDue, Actor: dispatcher, Comment: "客户催货", DueAt: soon},
		cst(2026, time.March, 9, 11, 0))
	if !st.Reminded || st.DueChanges != 2 {
		t.Errorf("reminded %v, due changes %d", st.Reminded, st.DueChanges)
	}
	if got, want := nextAlarm(t, st), (alarm{soon.Add(time.Second), problem.AlarmEscalation, 0}); !sameAlarm(got, want) {
		t.Errorf("alarm %+v, want %+v", got, want)
	}
}

// TestSolvedProblemsWaitWithoutEscalation: a problem reported solved climbs no further while it
// waits for verification; refused, it takes up the ladder where it stopped, without a reminder
// whose time has passed.
func TestSolvedProblemsWaitWithoutEscalation(t *testing.T) {
	st := raise(t, problemID, raiser, "high", cst(2026, time.March, 5, 9, 0))
	publish(t, st, toQuality, cst(2026, time.March, 5, 10, 0)) // due Monday 9 March 10:00
	do(t, st, problem.Action{Type: problem.ActSolve, Actor: qualityRep}, cst(2026, time.March, 6, 11, 0))
	noAlarm(t, st)
	if o := st.Remind(cst(2026, time.March, 6, 15, 0)); len(o.Seals) != 0 {
		t.Errorf("a solved problem was reminded: %+v", o)
	}
	if o := st.Escalate(0, cst(2026, time.March, 9, 11, 0)); len(o.Seals) != 0 {
		t.Errorf("a solved problem was escalated: %+v", o)
	}
	if !st.Overdue(cst(2026, time.March, 9, 11, 0)) {
		t.Error("a solved problem past its due date is overdue until closed")
	}

	do(t, st, problem.Action{Type: problem.ActRefuse, Actor: raiser, Comment: "仍有缺陷"}, cst(2026, time.March, 9, 11, 0))
	if !st.Reminded {
		t.Error("a reminder whose time passed is still pending")
	}
	if got, want := nextAlarm(t, st), (alarm{cst(2026, time.March, 9, 10, 0).Add(time.Second), problem.AlarmEscalation, 0}); !sameAlarm(got, want) {
		t.Errorf("alarm %+v, want %+v", got, want)
	}
	st.Escalate(0, cst(2026, time.March, 9, 11, 0))

	do(t, st, problem.Action{Type: problem.ActSolve, Actor: qualityRep}, cst(2026, time.March, 9, 14, 0))
	do(t, st, problem.Action{Type: problem.ActRefuse, Actor: raiser, Comment: "还是不行"}, cst(2026, time.March, 9, 15, 0))
	if got, want := nextAlarm(t, st), (alarm{cst(2026, time.March, 10, 10, 0), problem.AlarmEscalation, 1}); !sameAlarm(got, want) {
		t.Errorf("after the second refusal: alarm %+v, want %+v", got, want)
	}
}

func TestRefusedBeforeTheReminderKeepsIt(t *testing.T) {
	st := inProgress(t) // due 9 March 11:00, reminder 6 March 16:00
	do(t, st, problem.Action{Type: problem.ActSolve, Actor: qualityRep}, monday10.Add(24*time.Hour))
	do(t, st, problem.Action{Type: problem.ActRefuse, Actor: raiser, Comment: "未解决"}, monday10.Add(25*time.Hour))
	if got, want := nextAlarm(t, st), (alarm{cst(2026, time.March, 6, 16, 0), problem.AlarmReminder, 0}); !sameAlarm(got, want) {
		t.Errorf("alarm %+v, want %+v", got, want)
	}
}

func TestEscalationSkipsToALateRung(t *testing.T) {
	st := inProgress(t)
	late := cst(2026, time.March, 20, 10, 0) // the worker was down: every rung is due
	st.Remind(late)
	o := st.Escalate(1, late)
	if st.Rung != 2 || o.Seals[0].Target != "department_leader:quality" {
		t.Errorf("rung %d, seal %+v", st.Rung, o.Seals)
	}
	if o := st.Escalate(0, late); len(o.Seals) != 0 {
		t.Errorf("climbed a lower rung after a higher one: %+v", o)
	}
	if o := st.Escalate(2, late); len(o.Seals) != 0 {
		t.Errorf("climbed a rung the ladder does not have: %+v", o)
	}
}

func TestNoAlarmsBeforePublicationOrAfterClosing(t *testing.T) {
	for _, fixture := range []func(*testing.T) *problem.State{raised, solved, closed, rejected, merged} {
		st := fixture(t)
		noAlarm(t, st)
		if o := st.Remind(lastAt); len(o.Seals) != 0 {
			t.Errorf("%s problem reminded", st.Status)
		}
	}
}

// TestEscalationToEveryAssignedDepartment: a department-leader rung reaches the leader of each
// assigned department, in the order of the publication.
func TestEscalationToEveryAssignedDepartment(t *testing.T) {
	st := raised(t)
	publish(t, st, []problem.Assignment{
		{Department: "quality", Representatives: []string{"li.na"}},
		{Department: "materials", Representatives: []string{"zhao.hui"}},
	}, monday10)
	o := st.Escalate(1, lastAt.Add(30*24*time.Hour))
	if o.Seals[0].Target != "department_leader:quality,department_leader:materials" {
		t.Errorf("target %q", o.Seals[0].Target)
	}
	if !slices.Equal(o.Notices[0].Recipients, []string{"department_leader:quality", "department_leader:materials"}) {
		t.Errorf("recipients %v", o.Notices[0].Recipients)
	}
}

func TestClosedOnTime(t *testing.T) {
	for _, tt := range []struct {
		name   string
		offset time.Duration
		want   bool
	}{
		{"before the due date", -time.Hour, true},
		{"exactly at the due date", 0, true},
		{"a second late", time.Second, false},
	} {
		st := inProgress(t)
		do(t, st, problem.Action{Type: problem.ActSolve, Actor: qualityRep}, st.DueAt.Add(-2*time.Hour))
		do(t, st, problem.Action{Type: problem.ActVerify, Actor: raiser}, st.DueAt.Add(tt.offset))
		if got := st.ClosedOnTime(); got != tt.want || !st.Assessed() {
			t.Errorf("%s: on time %v, want %v", tt.name, got, tt.want)
		}
	}
	if st := solved(t); st.ClosedOnTime() {
		t.Error("a problem not yet verified counts as closed on time")
	}
}
