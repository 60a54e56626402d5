package chain

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"signoff/policy"
	"signoff/text"
)

// Validate decides whether the action may be taken now. It reads the state and never changes
// it, so a Temporal update validator can call it: a refused action never enters history.
func (s *State) Validate(a Action, now time.Time) error {
	if a.Actor == "" {
		return refuse(CodeInvalidAction, "no actor")
	}
	if s.Status.Closed() {
		return refuse(CodeCaseClosed, "case %s is closed (%s)", s.CaseID, s.Status)
	}
	if a.decides() && a.Revision != s.Revision {
		return refuse(CodeStaleRevision, "the case changed since you saw it (revision %d, now %d); reload and try again", a.Revision, s.Revision)
	}
	if utf8.RuneCountInString(a.Comment) > MaxCommentLen {
		return refuse(CodeInvalidAction, "comment is longer than %d characters", MaxCommentLen)
	}
	if err := validText(a); err != nil {
		return err
	}
	if a.Actor == SystemActor {
		if err := validateSystem(a); err != nil {
			return err
		}
	}
	if a.Type.OnStep() {
		return s.validateStepAction(a)
	}
	switch a.Type {
	case ActResubmit:
		if a.Actor != s.Submitter {
			return refuse(CodeNotSubmitter, "only the submitter may resubmit")
		}
		if s.Status != StatusReturned {
			return refuse(CodeNotAllowedNow, "only a returned case can be resubmitted")
		}
		return nil
	case ActWithdraw:
		if a.Actor != s.Submitter {
			return refuse(CodeNotSubmitter, "only the submitter may withdraw")
		}
		if s.Status == StatusAwaitingPayment {
			return refuse(CodeNotAllowedNow, "the case has been approved and can no longer be withdrawn")
		}
		return requireReason(a)
	case ActComment:
		if !s.involved(a.Actor) {
			return refuse(CodeNotAssignee, "only people on this case may comment")
		}
		if strings.TrimSpace(a.Comment) == "" {
			return refuse(CodeReasonRequired, "a comment needs text")
		}
		return nil
	case ActNudge:
		if !s.involved(a.Actor) {
			return refuse(CodeNotAssignee, "only people on this case may nudge")
		}
		if len(s.Holders()) == 0 || s.Status == StatusReturned {
			return refuse(CodeNotAllowedNow, "no signer holds the case now")
		}
		if !s.LastNudge.IsZero() && now.Sub(s.LastNudge) < NudgeInterval {
			return refuse(CodeTooSoon, "the holders were nudged at %s; nudge again after %s",
				s.LastNudge.UTC().Format(time.RFC3339), s.LastNudge.Add(NudgeInterval).UTC().Format(time.RFC3339))
		}
		return nil
	default:
		return refuse(CodeInvalidAction, "unknown action %q", a.Type)
	}
}

// validateStepAction checks an action taken on the current step by one of its holders.
func (s *State) validateStepAction(a Action) error {
	if s.Status == StatusReturned {
		return refuse(CodeWrongOrder, "the case is back with the submitter for correction")
	}
	st := s.CurrentStep()
	if st == nil {
		return refuse(CodeNotAllowedNow, "no step is open")
	}
	principal := a.Principal()
	if !slices.Contains(st.Assignees, principal) {
		if later := s.laterStepOf(principal); later != "" {
			return refuse(CodeWrongOrder, "your step %q comes after %q, which is not complete", later, st.Label)
		}
		return refuse(CodeNotAssignee, "%s is not an assignee of step %q", principal, st.Label)
	}
	if st.approvedBy(principal) {
		return refuse(CodeNotAllowedNow, "%s has already signed step %q", principal, st.Label)
	}
	if role, bad := s.conflict(a.Actor, st.Role, st.Key); bad {
		return refuse(CodeSoDConflict, "%s already acts as %s on this case and may not also act as %s", a.Actor, role, st.Role)
	}
	switch a.Type {
	case ActApprove:
		if st.Role == policy.RoleCashier {
			return refuse(CodeNotAllowedNow, "the payment step is completed by recording the payment")
		}
	case ActPay:
		if st.Role != policy.RoleCashier {
			return refuse(CodeWrongOrder, "payment comes only after review and approval")
		}
		if strings.TrimSpace(a.Reference) == "" {
			return refuse(CodeReasonRequired, "a payment needs its reference")
		}
		if a.PaidAt.IsZero() {
			return refuse(CodeInvalidAction, "a payment needs the time it was made")
		}
	case ActReject:
		return requireReason(a)
	case ActReturn:
		if err := requireReason(a); err != nil {
			return err
		}
		if a.ToStep != "" {
			i := s.StepIndex(a.ToStep)
			if i < 0 || i >= s.Current || !s.Steps[i].Done {
				return refuse(CodeInvalidTarget, "%q is not an earlier completed step", a.ToStep)
			}
		}
	case ActTransfer:
		return s.validateTransfer(a, st)
	case ActAddSigner:
		return s.validateAddSigner(a, st)
	}
	return nil
}

// validateTransfer: a step's authority never passes to someone who does not hold it. The
// target must be in the step's pool (whoever routing could have given the step to for this case:
// policy.Route), a member of the organisation, and free of segregation-of-duties conflicts on the
// case as it stands now.
func (s *State) validateTransfer(a Action, st *Step) error {
	return s.transferRefusal(st, a.Principal(), a.Target)
}

// transferRefusal says why principal's part of step st may not pass to target, or nil.
func (s *State) transferRefusal(st *Step, principal, target string) error {
	switch {
	case target == "" || target == principal:
		return refuse(CodeInvalidTarget, "name a colleague to transfer to")
	case slices.Contains(st.Assignees, target):
		return refuse(CodeInvalidTarget, "%s is already on step %q", target, st.Label)
	case !s.member(target):
		return refuse(CodeInvalidTarget, "%s is not a member of the organisation", target)
	case !slices.Contains(st.Pool, target):
		return refuse(CodeInvalidTarget, "%s does not hold the authority of step %q for this case", target, st.Label)
	case st.Seats != nil && !slices.Contains(st.Seats[principal], target):
		return refuse(CodeInvalidTarget, "%s may not sign %s's part of step %q (another department's)", target, principal, st.Label)
	}
	if role, bad := s.conflict(target, st.Role, ""); bad {
		return refuse(CodeSoDConflict, "%s acts as %s on this case and may not also act as %s", target, role, st.Role)
	}
	return nil
}

// TransferTargets lists, sorted, whom principal's part of the current step may pass to by
// transfer now: what Validate accepts as a target, so a page offers exactly those.
func (s *State) TransferTargets(principal string) []string {
	st := s.CurrentStep()
	if st == nil || !slices.Contains(st.Assignees, principal) {
		return nil
	}
	var out []string
	for _, p := range st.Pool {
		if s.transferRefusal(st, principal, p) == nil {
			out = append(out, p)
		}
	}
	return out
}

// validateAddSigner: an added signer adds a signature and never takes the step's authority (see
// Step.Added and addSigner), so anyone in the organisation free of a segregation-of-duties
// conflict may be added.
func (s *State) validateAddSigner(a Action, st *Step) error {
	switch a.Position {
	case PositionBefore, PositionAfter, PositionParallel:
	default:
		return refuse(CodeInvalidAction, "position must be before, after or parallel")
	}
	if a.Target == "" || a.Target == a.Actor || slices.Contains(st.Assignees, a.Target) {
		return refuse(CodeInvalidTarget, "name a signer who is not already on step %q", st.Label)
	}
	if !s.member(a.Target) {
		return refuse(CodeInvalidTarget, "%s is not a member of the organisation", a.Target)
	}
	if role, bad := s.conflict(a.Target, st.Role, ""); bad {
		return refuse(CodeSoDConflict, "%s acts as %s on this case and may not also act as %s", a.Target, role, st.Role)
	}
	return nil
}

// validText refuses an action carrying text the store would refuse (a NUL, another control
// character, invalid UTF-8), so that nothing unstorable ever enters a case's history.
func validText(a Action) error {
	for _, f := range []struct{ name, v string }{
		{"actor", a.Actor}, {"on_behalf_of", a.OnBehalfOf}, {"comment", a.Comment}, {"to_step", a.ToStep},
		{"target", a.Target}, {"position", a.Position}, {"reference", a.Reference}, {"edit_id", a.EditID},
	} {
		if !text.Valid(f.v) {
			return refuse(CodeInvalidAction, "%s holds a control character or invalid UTF-8", f.name)
		}
	}
	return nil
}

func requireReason(a Action) error {
	if strings.TrimSpace(a.Comment) == "" {
		return refuse(CodeReasonRequired, "%s needs a reason", a.Type)
	}
	return nil
}

// laterStepOf returns the label of a not-yet-reached step the user is assigned to.
func (s *State) laterStepOf(user string) string {
	for i := s.Current + 1; i < len(s.Steps); i++ {
		if slices.Contains(s.Steps[i].Assignees, user) {
			return s.Steps[i].Label
		}
	}
	return ""
}

// involved reports whether the user may see and comment on the case.
func (s *State) involved(user string) bool {
	_, found := slices.BinarySearch(s.Participants, user)
	return found || user == s.Submitter
}

// conflict applies segregation of duties: would the user, acting in role, hold two
// incompatible roles on this case? What they hold is the handler part (the submitter), every
// step they signed and every other step they are assigned to. skipStep is the step being acted
// on, whose assignment is the role itself.
func (s *State) conflict(user string, role policy.Role, skipStep string) (policy.Role, bool) {
	held := map[policy.Role][]string{policy.RoleHandler: {s.Submitter}}
	for _, st := range s.Steps {
		for _, ap := range st.Approvals {
			held[st.Role] = append(held[st.Role], ap.User)
		}
		if st.Key != skipStep {
			held[st.Role] = append(held[st.Role], st.Assignees...)
		}
	}
	doc := policy.Document{Incompatible: s.Incompatible}
	return doc.ConflictFor(held, user, role)
}
