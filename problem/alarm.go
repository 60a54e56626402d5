package problem

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"signoff/policy"
)

// AlarmKind is what the problem's next timer does when it fires.
type AlarmKind string

const (
	AlarmReminder   AlarmKind = "reminder"   // call Remind
	AlarmEscalation AlarmKind = "escalation" // call Escalate with the rung
)

// overdueResolution is how far past the due date a rung with no delay fires: a problem closed
// exactly at its due date is on time, so escalation waits for the first instant it is not.
const overdueResolution = time.Second

// Overdue reports whether the problem is open and past its due date; closing exactly at the due
// date is on time.
func (s *State) Overdue(now time.Time) bool {
	return s.Status.Open() && now.After(s.DueAt)
}

// NextAlarm says when the workflow's timer must fire next and what for: first the reminder,
// ReminderBefore of working time before the due date, then each rung of the escalation ladder
// not yet climbed, After working time past the due date. Only a problem in progress has alarms:
// one reported solved waits for verification without further escalation, and resumes its
// ladder where it stopped if the solution is refused. An alarm may lie in the past; it is then
// due at once. The rung is an index into Rules.Escalation.
func (s *State) NextAlarm() (at time.Time, kind AlarmKind, rung int, ok bool) {
	if s.Status != StatusInProgress {
		return time.Time{}, "", 0, false
	}
	if !s.Reminded {
		if at := s.reminderAt(); !at.IsZero() {
			return at, AlarmReminder, 0, true
		}
	}
	if s.Rung < len(s.Rules.Escalation) {
		return s.rungAt(s.Rung), AlarmEscalation, s.Rung, true
	}
	return time.Time{}, "", 0, false
}

// Remind records that the representatives were reminded of the coming due date. It does
// nothing when no reminder is pending, so a late timer is harmless.
func (s *State) Remind(now time.Time) Outcome {
	if s.Status != StatusInProgress || s.Reminded {
		return Outcome{}
	}
	s.Reminded = true
	seal := s.seal(DecReminded, SystemActor, "", "", now)
	seal.DueAt = s.DueAt
	var o Outcome
	o.Seals = append(o.Seals, seal)
	o.notify(NoticeReminder, SystemActor, s.Representatives()...)
	return o
}

// Escalate climbs the ladder to the given rung (an index into Rules.Escalation), recording
// the escalation to its targets. Rungs below it count as climbed. It does nothing for a rung
// already climbed or out of range, or when the problem is not in progress.
func (s *State) Escalate(rung int, now time.Time) Outcome {
	if s.Status != StatusInProgress || rung < s.Rung || rung >= len(s.Rules.Escalation) {
		return Outcome{}
	}
	s.Rung = rung + 1
	note := fmt.Sprintf("overdue since %s: rung %d of %d", s.DueAt.UTC().Format(time.RFC3339), rung+1, len(s.Rules.Escalation))
	return s.escalate(SystemActor, note, s.targets(s.Rules.Escalation[rung].To), now)
}

// escalateAtOnce reports the problem upward outside the ladder, to every rung's targets at once
// (紧急向相关部门和领导汇报): an urgent problem at publication, or one the center cannot resolve.
func (s *State) escalateAtOnce(actor, note string, now time.Time) Outcome {
	var to []string
	for _, r := range s.Rules.Escalation {
		for _, t := range s.targets(r.To) {
			if !slices.Contains(to, t) {
				to = append(to, t)
			}
		}
	}
	if len(to) == 0 {
		to = []string{RecipientCenterDirector}
	}
	return s.escalate(actor, note, to, now)
}

func (s *State) escalate(actor, note string, targets []string, now time.Time) Outcome {
	s.Escalations++
	var o Outcome
	o.Seals = append(o.Seals, s.seal(DecEscalated, actor, note, strings.Join(targets, ","), now))
	o.notify(NoticeEscalation, actor, targets...)
	return o
}

// targets resolves a rung's post to symbolic recipients: the center's director, or the
// leader of every assigned department.
func (s *State) targets(post string) []string {
	if post != policy.EscalateDepartmentLeader {
		return []string{RecipientCenterDirector}
	}
	out := make([]string, len(s.Assignments))
	for i, as := range s.Assignments {
		out[i] = DepartmentLeader(as.Department)
	}
	return out
}

// setDue sets the due date in force and re-arms the reminder and the ladder for it. The
// reminder is dropped when its time is already past: the publication or the change itself
// told the representatives the due date.
func (s *State) setDue(due, now time.Time) {
	s.DueAt = due.UTC()
	s.Rung = 0
	s.Reminded = !s.reminderAt().After(now)
}

// reminderAt is ReminderBefore of working time before the due date, or zero when there is no
// reminder.
func (s *State) reminderAt() time.Time {
	if s.DueAt.IsZero() || s.Rules.ReminderBefore <= 0 {
		return time.Time{}
	}
	return s.Calendar.SubtractWorking(s.DueAt, s.Rules.ReminderBefore.D())
}

// rungAt is when rung i is climbed: its After of working time past the due date, and never
// before the problem is overdue.
func (s *State) rungAt(i int) time.Time {
	at := s.Calendar.AddWorking(s.DueAt, s.Rules.Escalation[i].After.D())
	if !at.After(s.DueAt) {
		at = s.DueAt.Add(overdueResolution)
	}
	return at
}
