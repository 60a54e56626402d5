package chain

import (
	"slices"
	"time"

	"signoff/policy"
)

// Status is where a case stands.
type Status string

const (
	StatusInProgress      Status = "in_progress"      // a signer holds it
	StatusReturned        Status = "returned"         // back with the submitter for correction
	StatusAwaitingPayment Status = "awaiting_payment" // approved; the cashier holds it
	StatusPaid            Status = "paid"             // closed: paid and posted
	StatusRejected        Status = "rejected"         // closed: refused
	StatusWithdrawn       Status = "withdrawn"        // closed: withdrawn by the submitter
	StatusApproved        Status = "approved"         // closed: every step signed, nothing to pay
)

// Closed reports whether no further decision can be taken.
func (s Status) Closed() bool {
	return s == StatusPaid || s == StatusRejected || s == StatusWithdrawn || s == StatusApproved
}

// State is everything the chain knows about one case. It is small (IDs, not personal data) and
// is both the workflow's state and the JSON snapshot stored with the case in Postgres.
type State struct {
	CaseID        string             `json:"case_id"`
	Kind          policy.Kind        `json:"kind"`
	Submitter     string             `json:"submitter"`
	PolicyVersion int                `json:"policy_version"`
	Status        Status             `json:"status"`
	Steps         []Step             `json:"steps"`
	Current       int                `json:"current"`   // index into Steps; meaningful while not closed
	ResumeAt      string             `json:"resume_at"` // step key to resume at after a return
	Revision      int                `json:"revision"`  // bumped by every decision; clients echo it
	Seq           int                `json:"seq"`       // last ledger sequence number used
	Incompatible  [][2]policy.Role   `json:"incompatible"`
	Calendar      policy.Calendar    `json:"calendar"`
	SLA           time.Duration      `json:"sla"`             // whole chain, working time
	ReminderLead  time.Duration      `json:"reminder_before"` // working time before a deadline
	ChainDeadline time.Time          `json:"chain_deadline"`
	PausedAt      time.Time          `json:"paused_at,omitzero"` // when it went back to the submitter
	Overdue       bool               `json:"overdue"`
	Escalated     bool               `json:"escalated"`           // escalation sent for the current deadline
	Reminded      bool               `json:"reminded"`            // reminder sent for the current deadline
	LastNudge     time.Time          `json:"last_nudge,omitzero"` // rate-limits nudges
	Band          *policy.BandChoice `json:"band,omitempty"`
	Participants  []string           `json:"participants"` // everyone who was ever assigned or acted (sorted)
	// Members are the organisation's people (user IDs, sorted) when the case was submitted: the
	// only people a step may be transferred to or a signer added. Empty in cases submitted before
	// it was kept, which then check transfers against their steps' pools alone.
	Members []string `json:"members,omitempty"`
}

// Step is one step of a case's chain.
type Step struct {
	Key       string      `json:"key"`
	Role      policy.Role `json:"role"`
	Label     string      `json:"label"`
	Mode      policy.Mode `json:"mode"`
	K         int         `json:"k,omitempty"`
	Assignees []string    `json:"assignees"`
	Pool      []string    `json:"pool,omitempty"` // who may take the step over by transfer
	// Seats say, for a step whose assignees each sign for a department (a countersign), who may
	// take over each assignee's part by transfer (policy.RouteStep.Seats); nil for other steps.
	Seats map[string][]string `json:"seats,omitempty"`
	// Added are the signers added to the step in parallel (加签), also among Assignees. Each adds
	// a signature the step needs besides its own mode among the routed assignees: an added
	// signer never completes a step in place of the people who hold its authority.
	Added     []string      `json:"added,omitempty"`
	Approvals []Approval    `json:"approvals,omitempty"`
	Done      bool          `json:"done"`
	SLA       time.Duration `json:"sla"`
	Deadline  time.Time     `json:"deadline,omitzero"`
	AddedBy   string        `json:"added_by,omitempty"` // set on a step created by 加签
	Why       policy.Why    `json:"why,omitempty"`      // why the step and its people (policy/why.go)
	Reason    string        `json:"reason,omitempty"`   // the zh-CN sentence of a step made before Why
	// RejectReturns: a rejection sends the case back to the submitter instead of ending it.
	RejectReturns bool `json:"reject_returns,omitempty"`
}

// Approval is one signer's agreement on a step.
type Approval struct {
	User       string    `json:"user"`
	OnBehalfOf string    `json:"on_behalf_of,omitempty"`
	At         time.Time `json:"at"`
}

// Rules are the parts of the policy a running chain consults: segregation of duties and the
// working calendar. They are snapshotted into the state, so a case keeps the rules it started with.
type Rules struct {
	Incompatible [][2]policy.Role `json:"incompatible"`
	Calendar     policy.Calendar  `json:"calendar"`
	Members      []string         `json:"members,omitempty"` // the organisation's user IDs, sorted
}

// RulesOf extracts the rules from a policy document.
func RulesOf(doc *policy.Document) Rules {
	members := make([]string, 0, len(doc.Users))
	for _, u := range doc.Users {
		members = append(members, u.ID)
	}
	slices.Sort(members)
	return Rules{Incompatible: slices.Clone(doc.Incompatible), Calendar: doc.Calendar, Members: slices.Compact(members)}
}

// New builds the state of a freshly submitted case from its evaluated route. The submission
// itself is the handler's seal; the first step starts now.
func New(caseID, submitter string, policyVersion int, rules Rules, route policy.Route, now time.Time) *State {
	s := &State{
		CaseID:        caseID,
		Kind:          route.Kind,
		Submitter:     submitter,
		PolicyVersion: policyVersion,
		Status:        StatusInProgress,
		Incompatible:  slices.Clone(rules.Incompatible),
		Calendar:      rules.Calendar,
		SLA:           route.SLA.D(),
		ReminderLead:  route.ReminderBefore.D(),
		Band:          route.Band,
		Members:       slices.Clone(rules.Members),
	}
	s.Steps = stepsFromRoute(route)
	s.ChainDeadline = s.Calendar.AddWorking(now, s.SLA)
	s.addParticipant(submitter)
	s.enter(0, now)
	return s
}

func stepsFromRoute(route policy.Route) []Step {
	steps := make([]Step, 0, len(route.Steps))
	for _, rs := range route.Steps {
		steps = append(steps, Step{
			Key: rs.Key, Role: rs.Role, Label: rs.Label, Mode: rs.Mode, K: rs.K,
			Assignees: slices.Clone(rs.Assignees), Pool: slices.Clone(rs.Pool), Seats: cloneSeats(rs.Seats, rs.Assignees),
			SLA: rs.SLA.D(), Why: rs.Why, Reason: rs.Reason, RejectReturns: rs.RejectReturns,
		})
	}
	return steps
}

// Clone returns a deep copy, so a handler can apply an action to the copy and keep the
// original if persisting the result fails.
func (s *State) Clone() *State {
	c := *s
	c.Incompatible = slices.Clone(s.Incompatible)
	c.Participants = slices.Clone(s.Participants)
	c.Members = slices.Clone(s.Members)
	c.Steps = make([]Step, len(s.Steps))
	for i, st := range s.Steps {
		st.Assignees = slices.Clone(st.Assignees)
		st.Pool = slices.Clone(st.Pool)
		st.Added = slices.Clone(st.Added)
		st.Seats = cloneSeats(st.Seats, st.Assignees)
		st.Approvals = slices.Clone(st.Approvals)
		c.Steps[i] = st
	}
	return &c
}

// cloneSeats deep-copies a step's seats, which are keyed by its assignees (read in their order,
// so no map is ranged over in workflow code).
func cloneSeats(seats map[string][]string, assignees []string) map[string][]string {
	if seats == nil {
		return nil
	}
	out := make(map[string][]string, len(seats))
	for _, a := range assignees {
		if pool, ok := seats[a]; ok {
			out[a] = slices.Clone(pool)
		}
	}
	return out
}

// CurrentStep returns the step that holds the case, or nil when none does (returned, closed).
func (s *State) CurrentStep() *Step {
	if s.Status != StatusInProgress && s.Status != StatusAwaitingPayment {
		return nil
	}
	if s.Current < 0 || s.Current >= len(s.Steps) {
		return nil
	}
	return &s.Steps[s.Current]
}

// Holders returns who must act now: the current step's assignees who have not yet approved,
// or the submitter while the case is returned.
func (s *State) Holders() []string {
	if s.Status == StatusReturned {
		return []string{s.Submitter}
	}
	st := s.CurrentStep()
	if st == nil {
		return nil
	}
	var out []string
	for _, a := range st.Assignees {
		if !st.approvedBy(a) {
			out = append(out, a)
		}
	}
	return out
}

// Deadline is the effective deadline of the current step: the earlier of its own and the
// chain's. It is zero when no one holds the case against a clock (returned, closed).
func (s *State) Deadline() time.Time {
	st := s.CurrentStep()
	if st == nil {
		return time.Time{}
	}
	if st.Deadline.IsZero() || (!s.ChainDeadline.IsZero() && s.ChainDeadline.Before(st.Deadline)) {
		return s.ChainDeadline
	}
	return st.Deadline
}

// ReminderAt is when the holders are reminded: ReminderLead of working time before the deadline.
func (s *State) ReminderAt() time.Time {
	d := s.Deadline()
	if d.IsZero() || s.ReminderLead <= 0 {
		return time.Time{}
	}
	return s.Calendar.SubtractWorking(d, s.ReminderLead)
}

// StepIndex finds a step by key.
func (s *State) StepIndex(key string) int {
	return slices.IndexFunc(s.Steps, func(st Step) bool { return st.Key == key })
}

// enter makes step i current with a fresh deadline, skipping steps already done.
func (s *State) enter(i int, now time.Time) {
	for i < len(s.Steps) && s.Steps[i].Done {
		i++
	}
	s.Current = i
	s.Reminded, s.Escalated, s.Overdue = false, false, false
	if i >= len(s.Steps) {
		s.Status = StatusApproved
		return
	}
	st := &s.Steps[i]
	st.Deadline = s.Calendar.AddWorking(now, st.SLA)
	for _, a := range st.Assignees {
		s.addParticipant(a)
	}
	if st.Role == policy.RoleCashier {
		s.Status = StatusAwaitingPayment
	} else {
		s.Status = StatusInProgress
	}
}

func (s *State) addParticipant(u string) {
	if i, found := slices.BinarySearch(s.Participants, u); !found {
		s.Participants = slices.Insert(s.Participants, i, u)
	}
}

// approvedBy reports whether user's part of the step is signed: by them, or by a delegate for
// them. A delegate's signature is their principal's, never also their own, so one signature
// never fills two seats of a step.
func (st *Step) approvedBy(user string) bool {
	return slices.ContainsFunc(st.Approvals, func(a Approval) bool { return a.Principal() == user })
}

// Principal is whose part of the step the approval signs.
func (a Approval) Principal() string {
	if a.OnBehalfOf != "" {
		return a.OnBehalfOf
	}
	return a.User
}

// satisfied reports whether the step is complete: its countersign mode is met among the
// assignees it was routed to (or their transferees), and every signer added to it has signed.
func (st *Step) satisfied() bool {
	n, routed := 0, 0
	for _, a := range st.Assignees {
		signed := st.approvedBy(a)
		if slices.Contains(st.Added, a) {
			if !signed {
				return false
			}
			continue
		}
		routed++
		if signed {
			n++
		}
	}
	switch st.Mode {
	case policy.ModeAllOf:
		return n == routed
	case policy.ModeKOfN:
		return n >= min(st.K, routed)
	default:
		return n >= 1
	}
}

// member reports whether user is one of the organisation's people. A case submitted before the
// members were kept knows none, and then takes the step's pool as the only check.
func (s *State) member(user string) bool {
	if len(s.Members) == 0 {
		return true
	}
	_, found := slices.BinarySearch(s.Members, user)
	return found
}
