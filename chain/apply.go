package chain

import (
	"fmt"
	"slices"
	"time"

	"signoff/policy"
)

// Decision is what a ledger entry (a seal, 章) records.
type Decision string

const (
	DecSubmitted   Decision = "submitted"
	DecApproved    Decision = "approved"
	DecRejected    Decision = "rejected"
	DecReturned    Decision = "returned"
	DecResubmitted Decision = "resubmitted"
	DecWithdrawn   Decision = "withdrawn"
	DecTransferred Decision = "transferred"
	DecSignerAdded Decision = "signer_added"
	DecCommented   Decision = "commented"
	DecNudged      Decision = "nudged"
	DecPaid        Decision = "paid"
	DecReminded    Decision = "reminded"
	DecEscalated   Decision = "escalated"
)

// SystemActor is the actor of entries the workflow makes by itself (reminders, escalations).
const SystemActor = policy.ReservedSystemID

// Seal is one entry of the case's ledger. Seq numbers a case's entries from 1; (case, Seq) is
// the idempotency key that makes writing it safe to retry.
type Seal struct {
	Seq        int         `json:"seq"`
	StepKey    string      `json:"step_key,omitempty"`
	Role       policy.Role `json:"role"`
	Actor      string      `json:"actor"`
	OnBehalfOf string      `json:"on_behalf_of,omitempty"`
	Decision   Decision    `json:"decision"`
	Comment    string      `json:"comment,omitempty"`
	Target     string      `json:"target,omitempty"` // transfer / add-signer / return target
	At         time.Time   `json:"at"`
}

// Notice asks for a notification to be sent.
type Notice struct {
	Kind       string   `json:"kind"` // todo, reminder, escalation, nudge, returned, rejected, paid, ...
	Recipients []string `json:"recipients"`
}

// BudgetOp is what an action does to the case's budget reservation.
type BudgetOp string

const (
	BudgetNone    BudgetOp = ""
	BudgetRelease BudgetOp = "release" // reject / withdraw: the reserved amount returns to the line
	BudgetConsume BudgetOp = "consume" // payment: the reservation becomes spending
)

// Outcome is what applying an action produced, for the caller to persist and announce.
type Outcome struct {
	Seals   []Seal   `json:"seals"`
	Notices []Notice `json:"notices,omitempty"`
	Budget  BudgetOp `json:"budget,omitempty"`
	EditID  string   `json:"edit_id,omitempty"`
	Payment *Payment `json:"payment,omitempty"`
}

// Payment records the money leaving.
type Payment struct {
	Reference string    `json:"reference"`
	PaidAt    time.Time `json:"paid_at"`
}

// Submitted records the handler's seal for a new case and announces the first step.
func (s *State) Submitted(now time.Time) Outcome {
	var o Outcome
	o.Seals = append(o.Seals, s.seal(DecSubmitted, "", policy.RoleHandler, s.Submitter, "", "", "", now))
	o.Notices = append(o.Notices, Notice{Kind: "todo", Recipients: s.Holders()})
	return o
}

// Apply carries out an action that Validate accepted, changing the state, and returns what
// must be persisted and announced. It panics on nothing; a bad action is a programming error
// caught by Validate first.
func (s *State) Apply(a Action, now time.Time) Outcome { return s.ApplyCompat(a, now, Compat{}) }

// Compat names meanings older code gave an action, which a workflow replaying a history from
// then asks for (under workflow.GetVersion) so that the history replays as it ran. New cases
// never use them. Each is written into the state as data, so nothing needs remembering after.
type Compat struct {
	// AddedCountsAsRouted: a signer added in parallel counts like one of the step's routed
	// assignees (so could complete an any-of step alone), instead of adding a signature.
	AddedCountsAsRouted bool
	// DelegateFillsOwnSeat: an assignee who signs as a delegate of another assignee of the same
	// step signs their own part too, as one signature counted for both.
	DelegateFillsOwnSeat bool
}

// LegacySeat reports whether applying a would fill a seat under c.DelegateFillsOwnSeat that it
// does not fill today: an approval by an unsigned assignee of the current step on behalf of
// another. A workflow asks only then whether its history predates the change.
func (s *State) LegacySeat(a Action) bool {
	st := s.CurrentStep()
	return st != nil && (a.Type == ActApprove || a.Type == ActPay) && a.OnBehalfOf != "" &&
		a.OnBehalfOf != a.Actor && slices.Contains(st.Assignees, a.Actor) && !st.approvedBy(a.Actor)
}

// ApplyCompat is Apply with the meanings c names (see Compat).
func (s *State) ApplyCompat(a Action, now time.Time, c Compat) Outcome {
	legacySeat := c.DelegateFillsOwnSeat && s.LegacySeat(a)
	var o Outcome
	st := s.CurrentStep()
	if a.decides() {
		s.Revision++
	}
	s.addParticipant(a.Actor)
	switch a.Type {
	case ActApprove, ActPay:
		st.Approvals = append(st.Approvals, Approval{User: a.Actor, OnBehalfOf: a.OnBehalfOf, At: now})
		if legacySeat {
			st.Approvals = append(st.Approvals, Approval{User: a.Actor, At: now})
		}
		dec := DecApproved
		if a.Type == ActPay {
			dec = DecPaid
			o.Payment = &Payment{Reference: a.Reference, PaidAt: a.PaidAt}
		}
		o.Seals = append(o.Seals, s.seal(dec, st.Key, st.Role, a.Actor, a.OnBehalfOf, a.Comment, a.Reference, now))
		if st.satisfied() {
			st.Done = true
			s.advance(now)
			if a.Type == ActPay {
				s.Status = StatusPaid
				o.Budget = BudgetConsume
				o.Notices = append(o.Notices, Notice{Kind: "paid", Recipients: []string{s.Submitter}})
			} else {
				o.Notices = append(o.Notices, s.todo())
			}
		}
	case ActReject:
		o.Seals = append(o.Seals, s.seal(DecRejected, st.Key, st.Role, a.Actor, a.OnBehalfOf, a.Comment, "", now))
		if st.RejectReturns {
			// A countersigner's refusal: back to the submitter to revise, and everyone on the
			// step signs the revision again.
			s.returnTo("", now)
			o.Notices = append(o.Notices, Notice{Kind: "returned", Recipients: s.Holders()})
			break
		}
		s.Status = StatusRejected
		o.Budget = BudgetRelease
		o.Notices = append(o.Notices, Notice{Kind: "rejected", Recipients: []string{s.Submitter}})
	case ActReturn:
		o.Seals = append(o.Seals, s.seal(DecReturned, st.Key, st.Role, a.Actor, a.OnBehalfOf, a.Comment, a.ToStep, now))
		s.returnTo(a.ToStep, now)
		o.Notices = append(o.Notices, Notice{Kind: "returned", Recipients: s.Holders()})
	case ActResubmit:
		o.Seals = append(o.Seals, s.seal(DecResubmitted, "", policy.RoleHandler, a.Actor, "", a.Comment, "", now))
		s.resubmit(now)
		o.EditID = a.EditID
		o.Notices = append(o.Notices, s.todo())
	case ActWithdraw:
		o.Seals = append(o.Seals, s.seal(DecWithdrawn, "", policy.RoleHandler, a.Actor, "", a.Comment, "", now))
		s.Status = StatusWithdrawn
		o.Budget = BudgetRelease
	case ActTransfer:
		o.Seals = append(o.Seals, s.seal(DecTransferred, st.Key, st.Role, a.Actor, a.OnBehalfOf, a.Comment, a.Target, now))
		st.Assignees = replaceSorted(st.Assignees, a.Principal(), a.Target)
		if slices.Contains(st.Added, a.Principal()) {
			st.Added = replaceSorted(st.Added, a.Principal(), a.Target)
		}
		if seat, ok := st.Seats[a.Principal()]; ok {
			delete(st.Seats, a.Principal())
			st.Seats[a.Target] = seat
		}
		s.restartClock(st, now)
		s.addParticipant(a.Target)
		o.Notices = append(o.Notices, Notice{Kind: "todo", Recipients: []string{a.Target}})
	case ActAddSigner:
		o.Seals = append(o.Seals, s.seal(DecSignerAdded, st.Key, st.Role, a.Actor, a.OnBehalfOf, a.Comment+positionNote(a.Position), a.Target, now))
		s.addSigner(a, now, c.AddedCountsAsRouted)
		o.Notices = append(o.Notices, Notice{Kind: "todo", Recipients: s.Holders()})
	case ActComment:
		o.Seals = append(o.Seals, s.seal(DecCommented, stepKey(st), roleOf(s, a.Actor, st), a.Actor, "", a.Comment, "", now))
	case ActNudge:
		s.LastNudge = now
		o.Seals = append(o.Seals, s.seal(DecNudged, stepKey(st), roleOf(s, a.Actor, st), a.Actor, "", a.Comment, "", now))
		o.Notices = append(o.Notices, Notice{Kind: "nudge", Recipients: s.Holders()})
	}
	return o
}

// Remind records that the holders were reminded of the coming deadline.
func (s *State) Remind(now time.Time) Outcome {
	s.Reminded = true
	st := s.CurrentStep()
	return Outcome{
		Seals:   []Seal{s.seal(DecReminded, stepKey(st), "", SystemActor, "", "", "", now)},
		Notices: []Notice{{Kind: "reminder", Recipients: s.Holders()}},
	}
}

// Escalate marks the case overdue and records the escalation to the holders' superiors.
func (s *State) Escalate(superiors []string, now time.Time) Outcome {
	s.Escalated, s.Overdue = true, true
	st := s.CurrentStep()
	return Outcome{
		Seals: []Seal{s.seal(DecEscalated, stepKey(st), "", SystemActor, "", "",
			fmt.Sprint(superiors), now)},
		Notices: []Notice{{Kind: "escalation", Recipients: superiors}},
	}
}

func (s *State) seal(d Decision, step string, role policy.Role, actor, onBehalf, comment, target string, now time.Time) Seal {
	s.Seq++
	return Seal{Seq: s.Seq, StepKey: step, Role: role, Actor: actor, OnBehalfOf: onBehalf,
		Decision: d, Comment: comment, Target: target, At: now}
}

func (s *State) todo() Notice { return Notice{Kind: "todo", Recipients: s.Holders()} }

// advance moves past the completed current step to the next step not yet done. After a return
// to an earlier step, the steps between it and the returning step are still done, so the case
// comes back to the returning step, while a signer added meanwhile is still asked.
func (s *State) advance(now time.Time) {
	s.enter(s.Current+1, now)
	if cur := s.CurrentStep(); cur != nil && cur.Key == s.ResumeAt {
		s.ResumeAt = ""
	}
}

// returnTo sends the case back to the submitter (to == "") or to an earlier step; either way it
// resumes at the returning step once corrected, and that step signs again.
func (s *State) returnTo(to string, now time.Time) {
	cur := &s.Steps[s.Current]
	cur.Approvals = nil
	s.ResumeAt = cur.Key
	if to == "" {
		s.Status = StatusReturned
		s.PausedAt = now
		cur.Deadline = time.Time{}
		s.Reminded, s.Escalated, s.Overdue = false, false, false
		return
	}
	i := s.StepIndex(to)
	s.Steps[i].Done = false
	s.Steps[i].Approvals = nil
	s.enter(i, now)
}

// resubmit resumes the chain at the step that returned it. The time the case spent with the
// submitter does not count against the chain's deadline.
func (s *State) resubmit(now time.Time) {
	remaining := time.Duration(0)
	if s.ChainDeadline.After(s.PausedAt) {
		remaining = s.Calendar.WorkingBetween(s.PausedAt, s.ChainDeadline)
	}
	s.ChainDeadline = s.Calendar.AddWorking(now, remaining)
	s.PausedAt = time.Time{}
	i := s.StepIndex(s.ResumeAt)
	if i < 0 {
		i = 0
	}
	s.ResumeAt = ""
	s.enter(i, now)
}

// restartClock gives the step's (new) holder a full step SLA from now; the chain deadline stays.
func (s *State) restartClock(st *Step, now time.Time) {
	st.Deadline = s.Calendar.AddWorking(now, st.SLA)
	s.Reminded, s.Escalated, s.Overdue = false, false, false
}

// addSigner adds a signature the case needs: in parallel, one more signer the current step
// waits for besides its own mode (Step.Added); before or after, a step of its own. The step that
// holds the authority stays, so an added signer never stands in for it.
func (s *State) addSigner(a Action, now time.Time, asRouted bool) {
	cur := &s.Steps[s.Current]
	s.addParticipant(a.Target)
	switch a.Position {
	case PositionParallel:
		// One more signature on the step, never one in place of its routed holders'.
		cur.Assignees = insertSorted(cur.Assignees, a.Target)
		if !asRouted {
			cur.Added = insertSorted(cur.Added, a.Target)
		}
		return
	}
	added := Step{
		Key:       fmt.Sprintf("%s.added%d", cur.Key, s.Seq),
		Role:      cur.Role,
		Label:     cur.Label, // the page says who added it (ui.step.added_by)
		Mode:      policy.ModeAnyOf,
		Assignees: []string{a.Target},
		SLA:       cur.SLA,
		AddedBy:   a.Actor,
		Why:       policy.Why{{{Key: "added_by", Args: []string{a.Actor}}}},
	}
	if a.Position == PositionAfter {
		s.Steps = slices.Insert(s.Steps, s.Current+1, added)
		return
	}
	s.Steps = slices.Insert(s.Steps, s.Current, added)
	s.enter(s.Current, now)
}

// Rebase replaces the steps after a resubmission whose edits changed the route (for example a
// new amount in another authority band). Steps already completed before the resume point keep
// their seals when the new route still has them; the case resumes at the same step if it still
// exists, else at the first step not yet done.
func (s *State) Rebase(route policy.Route) {
	resumeIdx := s.StepIndex(s.ResumeAt)
	done := map[string]Step{}
	for i, st := range s.Steps {
		if st.Done && (resumeIdx < 0 || i < resumeIdx) {
			done[st.Key] = st
		}
	}
	steps := stepsFromRoute(route)
	for i, st := range steps {
		if old, ok := done[st.Key]; ok {
			steps[i] = old
		}
	}
	s.Steps = steps
	s.Band = route.Band
	// Resume at the returning step, unless the new route puts an unsigned step before it (a
	// level the new amount needs, an over-budget approval): that one comes first.
	if first := slices.IndexFunc(steps, func(st Step) bool { return !st.Done }); first >= 0 {
		if r := s.StepIndex(s.ResumeAt); r < 0 || first < r {
			s.ResumeAt = steps[first].Key
		}
	}
}

// Reopen withdraws the signatures of the given signed steps after a resubmission's edit changed
// the content their seals attest (the policy decides which: policy.Seals.Reopened): they must sign
// again, and their explanation says so (why.reopened). Call it after Rebase; the case then
// resumes at the first re-opened step if it comes before the resume point. Their seals stay in
// the ledger; only the step's progress is reset.
func (s *State) Reopen(keys []string) {
	for i := range s.Steps {
		st := &s.Steps[i]
		if !st.Done || !slices.Contains(keys, st.Key) {
			continue
		}
		st.Done, st.Approvals = false, nil
		st.Why = append(slices.Clone(st.Why), policy.Clause{{Key: "reopened"}})
		if r := s.StepIndex(s.ResumeAt); r < 0 || i < r {
			s.ResumeAt = st.Key
		}
	}
}

func stepKey(st *Step) string {
	if st == nil {
		return ""
	}
	return st.Key
}

// roleOf names the part a commenter plays: handler for the submitter, the step's role for one
// of its assignees, else none.
func roleOf(s *State, user string, st *Step) policy.Role {
	switch {
	case user == s.Submitter:
		return policy.RoleHandler
	case st != nil && slices.Contains(st.Assignees, user):
		return st.Role
	}
	return ""
}

func positionNote(p string) string {
	if p == "" {
		return ""
	}
	return " [" + p + "]"
}

func insertSorted(list []string, v string) []string {
	if i, found := slices.BinarySearch(list, v); !found {
		return slices.Insert(list, i, v)
	}
	return list
}

func replaceSorted(list []string, old, v string) []string {
	out := slices.DeleteFunc(slices.Clone(list), func(x string) bool { return x == old })
	slices.Sort(out)
	return insertSorted(out, v)
}

// ConnectorActor is the actor of a payment made by the payment connector.
const ConnectorActor = "payment-connector"

// PaidByConnector records a payment the payment connector made for a case awaiting payment.
// The cashier's step is completed by the connector on the cashier's behalf of the company, so
// the seal names the connector as actor.
func (s *State) PaidByConnector(p Payment, now time.Time) Outcome {
	st := s.CurrentStep()
	s.Revision++
	st.Approvals = append(st.Approvals, Approval{User: ConnectorActor, At: now})
	st.Done = true
	o := Outcome{
		Seals:   []Seal{s.seal(DecPaid, st.Key, st.Role, ConnectorActor, "", "", p.Reference, now)},
		Budget:  BudgetConsume,
		Payment: &p,
		Notices: []Notice{{Kind: "paid", Recipients: []string{s.Submitter}}},
	}
	s.advance(now)
	s.Status = StatusPaid
	return o
}
