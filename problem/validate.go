package problem

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"signoff/text"
)

// Validate decides whether the action may be taken now. It reads the state and never changes
// it, so a Temporal update validator can call it: a refused action never enters history.
func (s *State) Validate(a Action, now time.Time) error {
	if strings.TrimSpace(a.Actor.ID) == "" {
		return refuse(CodeInvalidAction, "no actor")
	}
	if s.Status.Closed() {
		return refuse(CodeCaseClosed, "problem %s is closed (%s)", s.ProblemID, s.Status)
	}
	if a.decides() && a.Revision != s.Revision {
		return refuse(CodeStaleRevision, "the problem changed since you saw it (revision %d, now %d); reload and try again", a.Revision, s.Revision)
	}
	if utf8.RuneCountInString(a.Comment) > MaxCommentLen {
		return refuse(CodeInvalidAction, "comment is longer than %d characters", MaxCommentLen)
	}
	if err := validText(a); err != nil {
		return err
	}
	switch a.Type {
	case ActPublish:
		return firstRefusal(s.inStatus(a, StatusRaised), byCenter(a), validAssignments(a.Assignments),
			s.validPublicationDue(a, now))
	case ActReject:
		return firstRefusal(s.inStatus(a, StatusRaised), byCenter(a), withReason(a))
	case ActMerge:
		return firstRefusal(s.inStatus(a, StatusRaised), byCenter(a), withReason(a), s.validMergeTarget(a))
	case ActRepublish:
		return firstRefusal(s.inStatus(a, StatusInProgress), byCenter(a), withReason(a),
			s.validRepublication(a), s.validRepublicationDue(a, now))
	case ActChangeDue:
		return firstRefusal(s.inStatus(a, StatusInProgress, StatusSolved), byCenter(a), withReason(a),
			s.validNewDue(a, now))
	case ActEscalate:
		return firstRefusal(s.inStatus(a, StatusInProgress), byCenter(a), withReason(a))
	case ActProgress:
		return firstRefusal(s.inStatus(a, StatusInProgress), s.byResponsible(a), withReason(a))
	case ActSolve:
		return firstRefusal(s.inStatus(a, StatusInProgress), s.byResponsible(a))
	case ActVerify:
		return firstRefusal(s.inStatus(a, StatusSolved), s.byRaiserOrCenter(a), s.notBySolver(a))
	case ActRefuse:
		return firstRefusal(s.inStatus(a, StatusSolved), s.byRaiserOrCenter(a), withReason(a))
	case ActComment:
		if !s.involved(a.Actor) {
			return refuse(CodeNotAssignee, "only the raiser, the center and the responsible representatives may comment")
		}
		return withReason(a)
	default:
		return refuse(CodeInvalidAction, "unknown action %q", a.Type)
	}
}

// firstRefusal returns the first of the checks that refused, in the order given.
func firstRefusal(checks ...error) error {
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *State) inStatus(a Action, allowed ...Status) error {
	if !slices.Contains(allowed, s.Status) {
		return refuse(CodeNotAllowedNow, "%s is not possible while the problem is %s", a.Type, s.Status)
	}
	return nil
}

func byCenter(a Action) error {
	if !a.Actor.Center {
		return refuse(CodeNotAssignee, "only the production control center may %s a problem", a.Type)
	}
	return nil
}

func (s *State) byResponsible(a Action) error {
	if !s.Responsible(a.Actor) {
		return refuse(CodeNotAssignee, "%s does not represent a department responsible for %s", a.Actor.ID, s.ProblemID)
	}
	return nil
}

func (s *State) byRaiserOrCenter(a Action) error {
	if a.Actor.ID != s.Raiser && !a.Actor.Center {
		return refuse(CodeNotAssignee, "only the raiser or the center may %s the solution", a.Type)
	}
	return nil
}

// notBySolver keeps anyone from verifying their own solution: the completion rate must not be
// earned by one person's word.
func (s *State) notBySolver(a Action) error {
	if a.Actor.ID == s.SolvedBy {
		return refuse(CodeSoDConflict, "%s reported the problem solved and may not verify it", a.Actor.ID)
	}
	return nil
}

// validText refuses an action carrying text the store would refuse (a NUL, another control
// character, invalid UTF-8), so that nothing unstorable ever enters a problem's history.
func validText(a Action) error {
	texts := []string{a.Actor.ID, a.Comment, a.MergeInto}
	for _, x := range a.Assignments {
		texts = append(texts, x.Department)
		texts = append(texts, x.Representatives...)
	}
	for _, v := range texts {
		if !text.Valid(v) {
			return refuse(CodeInvalidAction, "the action holds a control character or invalid UTF-8")
		}
	}
	return nil
}

func withReason(a Action) error {
	if strings.TrimSpace(a.Comment) == "" {
		return refuse(CodeReasonRequired, "%s needs a reason", a.Type)
	}
	return nil
}

// validAssignments checks a publication: at least one department, none twice, each with at
// least one representative, none twice. Whether the departments and representatives exist is
// the gateway's check against the registry.
func validAssignments(as []Assignment) error {
	if len(as) == 0 {
		return refuse(CodeInvalidTarget, "publish to at least one department")
	}
	var seen []string
	for _, x := range as {
		switch {
		case strings.TrimSpace(x.Department) == "":
			return refuse(CodeInvalidTarget, "an assignment names no department")
		case slices.Contains(seen, x.Department):
			return refuse(CodeInvalidTarget, "department %q is listed twice", x.Department)
		case len(x.Representatives) == 0:
			return refuse(CodeInvalidTarget, "department %q needs at least one representative", x.Department)
		}
		seen = append(seen, x.Department)
		for i, r := range x.Representatives {
			if strings.TrimSpace(r) == "" {
				return refuse(CodeInvalidTarget, "department %q: a representative is blank", x.Department)
			}
			if slices.Contains(x.Representatives[:i], r) {
				return refuse(CodeInvalidTarget, "department %q: representative %s is listed twice", x.Department, r)
			}
		}
	}
	return nil
}

// validPublicationDue: a given due date must lie ahead; without one the severity's default
// applies, which an unknown severity does not have.
func (s *State) validPublicationDue(a Action, now time.Time) error {
	if !a.DueAt.IsZero() {
		return dueAhead(a.DueAt, now)
	}
	if _, ok := s.defaultDue(now); !ok {
		return refuse(CodeInvalidDue, "severity %q has no default due date; give one", s.Severity)
	}
	return nil
}

func (s *State) validMergeTarget(a Action) error {
	switch {
	case !ValidID(a.MergeInto):
		return refuse(CodeInvalidTarget, "%q is not a problem number like PRB-2026-000042", a.MergeInto)
	case a.MergeInto == s.ProblemID:
		return refuse(CodeInvalidTarget, "a problem cannot be merged into itself")
	}
	return nil
}

func (s *State) validRepublication(a Action) error {
	if err := validAssignments(a.Assignments); err != nil {
		return err
	}
	if sameAssignments(a.Assignments, s.Assignments) {
		return refuse(CodeInvalidTarget, "the problem is already published to exactly these representatives")
	}
	return nil
}

// validRepublicationDue: a re-publication keeps the due date unless it gives another one.
func (s *State) validRepublicationDue(a Action, now time.Time) error {
	if a.DueAt.IsZero() || a.DueAt.Equal(s.DueAt) {
		return nil
	}
	return dueAhead(a.DueAt, now)
}

func (s *State) validNewDue(a Action, now time.Time) error {
	switch {
	case a.DueAt.IsZero():
		return refuse(CodeInvalidDue, "give the new due date")
	case a.DueAt.Equal(s.DueAt):
		return refuse(CodeInvalidDue, "the problem is already due at %s", s.DueAt.UTC().Format(time.RFC3339))
	}
	return dueAhead(a.DueAt, now)
}

func dueAhead(due, now time.Time) error {
	if !due.After(now) {
		return refuse(CodeInvalidDue, "the due date %s is not in the future", due.UTC().Format(time.RFC3339))
	}
	return nil
}
