package problem

import (
	"slices"
	"strings"
	"time"
)

// Decision is what a ledger entry (a seal) records.
type Decision string

const (
	DecRaised      Decision = "raised"      // Target: the severity
	DecPublished   Decision = "published"   // Target: the assignments; DueAt: the due date
	DecRejected    Decision = "rejected"    // Comment: the reason
	DecMerged      Decision = "merged"      // Target: the problem it duplicates
	DecRepublished Decision = "republished" // Target: the new assignments; DueAt: the due date
	DecProgress    Decision = "progress"    // Comment: the post
	DecDueChanged  Decision = "due_changed" // Target: "old→new" (RFC 3339, UTC); DueAt: the new one
	DecEscalated   Decision = "escalated"   // Target: the symbolic recipients, comma-separated
	DecSolved      Decision = "solved"
	DecVerified    Decision = "verified"
	DecRefused     Decision = "refused" // Comment: why it is not solved
	DecCommented   Decision = "commented"
	DecReminded    Decision = "reminded" // DueAt: the due date reminded of
)

// SystemActor is the actor of entries the workflow makes by itself (reminders, escalations).
const SystemActor = "system"

// Seal is one entry of the problem's ledger. Seq numbers a problem's entries from 1; (problem,
// Seq) is the idempotency key that makes writing it safe to retry.
type Seal struct {
	Seq      int       `json:"seq"`
	Decision Decision  `json:"decision"`
	Actor    string    `json:"actor"`
	Comment  string    `json:"comment,omitempty"`
	Target   string    `json:"target,omitempty"`
	DueAt    time.Time `json:"due_at,omitzero"`
	At       time.Time `json:"at"`
}

// Outcome is what a transition produced, for the caller to persist and announce.
type Outcome struct {
	Seals   []Seal   `json:"seals"`
	Notices []Notice `json:"notices,omitempty"`
}

// Apply carries out an action that Validate accepted, changing the state, and returns what
// must be persisted and announced. A bad action is a programming error caught by Validate first.
func (s *State) Apply(a Action, now time.Time) Outcome {
	var o Outcome
	if a.decides() {
		s.Revision++
	}
	actor := a.Actor.ID
	s.addParticipant(actor)
	switch a.Type {
	case ActPublish:
		due := a.DueAt
		if due.IsZero() {
			due, _ = s.defaultDue(now)
		}
		s.Status, s.PublishedAt = StatusInProgress, now
		s.assign(a.Assignments)
		s.setDue(due, now)
		s.OriginalDueAt = s.DueAt
		seal := s.seal(DecPublished, actor, a.Comment, formatAssignments(s.Assignments), now)
		seal.DueAt = s.DueAt
		o.Seals = append(o.Seals, seal)
		o.notify(NoticeTodo, actor, s.Representatives()...)
		o.notify(NoticePublished, actor, s.Raiser)
		if sev, ok := s.Rules.Severity(s.Severity); ok && sev.Urgent {
			o.add(s.escalateAtOnce(SystemActor, "urgent: "+sev.Label, now))
		}
	case ActReject:
		s.Status = StatusRejected
		o.Seals = append(o.Seals, s.seal(DecRejected, actor, a.Comment, "", now))
		o.notify(NoticeRejected, actor, s.Raiser)
	case ActMerge:
		s.Status, s.MergedInto = StatusMerged, a.MergeInto
		o.Seals = append(o.Seals, s.seal(DecMerged, actor, a.Comment, a.MergeInto, now))
		o.notify(NoticeMerged, actor, s.Raiser)
	case ActRepublish:
		before, due := s.Representatives(), s.DueAt
		moved := !a.DueAt.IsZero() && !a.DueAt.Equal(s.DueAt)
		if moved {
			due = a.DueAt.UTC()
		}
		s.assign(a.Assignments)
		seal := s.seal(DecRepublished, actor, a.Comment, formatAssignments(s.Assignments), now)
		seal.DueAt = due
		o.Seals = append(o.Seals, seal)
		if moved {
			o.Seals = append(o.Seals, s.changeDue(a.DueAt, actor, a.Comment, now))
		}
		after := s.Representatives()
		o.notify(NoticeTodo, actor, after...)
		o.notify(NoticeUnassigned, actor, without(before, after)...)
	case ActChangeDue:
		o.Seals = append(o.Seals, s.changeDue(a.DueAt, actor, a.Comment, now))
		o.notify(NoticeDueChanged, actor, append([]string{s.Raiser}, s.Representatives()...)...)
	case ActEscalate:
		o.add(s.escalateAtOnce(actor, a.Comment, now))
	case ActProgress:
		o.Seals = append(o.Seals, s.seal(DecProgress, actor, a.Comment, "", now))
		o.notify(NoticeProgress, actor, s.Raiser)
	case ActSolve:
		s.Status, s.SolvedAt, s.SolvedBy = StatusSolved, now, actor
		o.Seals = append(o.Seals, s.seal(DecSolved, actor, a.Comment, "", now))
		o.notify(NoticeTodo, actor, s.Raiser, RecipientCenter)
	case ActVerify:
		s.Status, s.ClosedAt = StatusClosed, now
		o.Seals = append(o.Seals, s.seal(DecVerified, actor, a.Comment, "", now))
		o.notify(NoticeClosed, actor, append([]string{s.Raiser}, s.Representatives()...)...)
	case ActRefuse:
		s.Status, s.Reopened = StatusInProgress, s.Reopened+1
		s.SolvedAt, s.SolvedBy, s.ClosedAt = time.Time{}, "", time.Time{}
		// A reminder whose time passed while the problem waited for verification is no use now;
		// the ladder, though, resumes where it stopped.
		s.Reminded = s.Reminded || !s.reminderAt().After(now)
		o.Seals = append(o.Seals, s.seal(DecRefused, actor, a.Comment, "", now))
		o.notify(NoticeReopened, actor, s.Representatives()...)
	case ActComment:
		o.Seals = append(o.Seals, s.seal(DecCommented, actor, a.Comment, "", now))
	}
	return o
}

func (s *State) seal(d Decision, actor, comment, target string, now time.Time) Seal {
	s.Seq++
	return Seal{Seq: s.Seq, Decision: d, Actor: actor, Comment: comment, Target: target, At: now}
}

func (o *Outcome) add(more Outcome) {
	o.Seals = append(o.Seals, more.Seals...)
	o.Notices = append(o.Notices, more.Notices...)
}

// assign replaces the assignments; every named representative becomes a participant.
func (s *State) assign(as []Assignment) {
	s.Assignments = cloneAssignments(as)
	s.Publications++
	for _, r := range s.Representatives() {
		s.addParticipant(r)
	}
}

// changeDue moves the due date after publication and records the move.
func (s *State) changeDue(due time.Time, actor, reason string, now time.Time) Seal {
	old := s.DueAt
	s.setDue(due, now)
	s.DueChanges++
	seal := s.seal(DecDueChanged, actor, reason,
		old.UTC().Format(time.RFC3339)+"→"+s.DueAt.Format(time.RFC3339), now)
	seal.DueAt = s.DueAt
	return seal
}

// defaultDue is the severity's due time counted in working time from now.
func (s *State) defaultDue(now time.Time) (time.Time, bool) {
	sev, ok := s.Rules.Severity(s.Severity)
	if !ok || sev.Due <= 0 {
		return time.Time{}, false
	}
	return s.Calendar.AddWorking(now, sev.Due.D()), true
}

// formatAssignments writes assignments for the ledger: "quality:li.na,sun.li;production:wang.qiang".
func formatAssignments(as []Assignment) string {
	parts := make([]string, len(as))
	for i, x := range as {
		parts[i] = x.Department + ":" + strings.Join(x.Representatives, ",")
	}
	return strings.Join(parts, ";")
}

// without returns the members of list that are not in drop, in order.
func without(list, drop []string) []string {
	var out []string
	for _, x := range list {
		if !slices.Contains(drop, x) {
			out = append(out, x)
		}
	}
	return out
}
