package problem

import (
	"slices"
	"time"

	"signoff/policy"
)

// Status is where a problem stands.
type Status string

const (
	StatusRaised     Status = "raised"      // waiting for the center to screen it
	StatusRejected   Status = "rejected"    // closed: not a valid problem
	StatusMerged     Status = "merged"      // closed: a duplicate of another problem
	StatusInProgress Status = "in_progress" // published: the responsible side works on it
	StatusSolved     Status = "solved"      // reported solved, waiting for verification
	StatusClosed     Status = "closed"      // verified solved
)

// Closed reports whether no further action can be taken.
func (s Status) Closed() bool {
	return s == StatusRejected || s == StatusMerged || s == StatusClosed
}

// Open reports whether the problem is published and not yet closed, so its due date counts.
func (s Status) Open() bool { return s == StatusInProgress || s == StatusSolved }

// State is everything known about one problem. It is small (IDs, not the description or
// attachments) and is both the workflow's state and the JSON snapshot stored in Postgres.
type State struct {
	ProblemID   string       `json:"problem_id"`
	Raiser      string       `json:"raiser"`
	Severity    string       `json:"severity"`
	Status      Status       `json:"status"`
	Assignments []Assignment `json:"assignments,omitempty"` // who must solve it; first = lead

	DueAt         time.Time `json:"due_at,omitzero"`          // in force; moved only by the center
	OriginalDueAt time.Time `json:"original_due_at,omitzero"` // as first published
	PublishedAt   time.Time `json:"published_at,omitzero"`    // first publication
	SolvedAt      time.Time `json:"solved_at,omitzero"`       // while solved or closed
	SolvedBy      string    `json:"solved_by,omitempty"`
	ClosedAt      time.Time `json:"closed_at,omitzero"` // verified closed; zero otherwise
	MergedInto    string    `json:"merged_into,omitempty"`

	Reopened     int `json:"reopened"`     // verifications refused
	DueChanges   int `json:"due_changes"`  // due date moves after publication
	Publications int `json:"publications"` // the first publication and every re-publication
	Escalations  int `json:"escalations"`  // immediate and ladder escalations
	// Rung counts the ladder's rungs already climbed for the current due date.
	Rung int `json:"rung"`
	// Reminded: no reminder is pending for the current due date. It was sent, or its time had
	// already passed when the due date was set (or the problem reopened), or the rules have none.
	Reminded bool `json:"reminded"`
	Revision int  `json:"revision"` // bumped by every decision; clients echo it
	Seq      int  `json:"seq"`      // last ledger sequence number used

	// The rules and calendar in force when the problem was raised: it keeps them to the end.
	Rules    policy.Production `json:"rules"`
	Calendar policy.Calendar   `json:"calendar"`

	Participants []string `json:"participants"` // everyone who was ever assigned or acted (sorted)
}

// New raises a problem: the raiser's seal, and a to-do for the center to screen it. The caller
// checks the severity against rules (policy.Production.Severity) and the ID with ValidID; a
// severity without a default due date only means the center must give one when publishing.
func New(id, raiser, severity string, rules policy.Production, cal policy.Calendar, now time.Time) (*State, Outcome) {
	s := &State{
		ProblemID: id,
		Raiser:    raiser,
		Severity:  severity,
		Status:    StatusRaised,
		Rules:     cloneRules(rules),
		Calendar:  cloneCalendar(cal),
	}
	s.addParticipant(raiser)
	var o Outcome
	o.Seals = append(o.Seals, s.seal(DecRaised, raiser, "", severity, now))
	o.notify(NoticeTodo, raiser, RecipientCenter)
	return s, o
}

// Clone returns a deep copy, so a handler can apply an action to the copy and keep the
// original if persisting the result fails.
func (s *State) Clone() *State {
	c := *s
	c.Assignments = cloneAssignments(s.Assignments)
	c.Participants = slices.Clone(s.Participants)
	c.Rules = cloneRules(s.Rules)
	c.Calendar = cloneCalendar(s.Calendar)
	return &c
}

// Responsible reports whether the actor answers for the problem now: a named representative,
// or a representative of one of the assigned departments.
func (s *State) Responsible(a Actor) bool {
	for _, as := range s.Assignments {
		if slices.Contains(as.Representatives, a.ID) || slices.Contains(a.Departments, as.Department) {
			return true
		}
	}
	return false
}

// Departments lists the departments responsible now, lead first.
func (s *State) Departments() []string {
	out := make([]string, len(s.Assignments))
	for i, as := range s.Assignments {
		out[i] = as.Department
	}
	return out
}

// Representatives lists the representatives named on the current assignments, sorted.
func (s *State) Representatives() []string {
	var out []string
	for _, as := range s.Assignments {
		for _, r := range as.Representatives {
			out = insertSorted(out, r)
		}
	}
	return out
}

// Holders lists who must act now, for the role board: the center (RecipientCenter) to screen a
// raised problem, the named representatives of one in progress, and the raiser and the center
// to verify a solved one (the center alone when the raiser reported it solved). A closed
// problem has none.
func (s *State) Holders() []string {
	switch s.Status {
	case StatusRaised:
		return []string{RecipientCenter}
	case StatusInProgress:
		return s.Representatives()
	case StatusSolved:
		if s.SolvedBy == s.Raiser {
			return []string{RecipientCenter}
		}
		return []string{s.Raiser, RecipientCenter}
	}
	return nil
}

// involved reports whether the actor may comment: the raiser, the center, the responsible side.
func (s *State) involved(a Actor) bool {
	return a.ID == s.Raiser || a.Center || s.Responsible(a)
}

func (s *State) addParticipant(u string) {
	if u != "" && u != SystemActor {
		s.Participants = insertSorted(s.Participants, u)
	}
}

func insertSorted(list []string, v string) []string {
	if i, found := slices.BinarySearch(list, v); !found {
		return slices.Insert(list, i, v)
	}
	return list
}

func cloneRules(r policy.Production) policy.Production {
	r.Severities = slices.Clone(r.Severities)
	r.Escalation = slices.Clone(r.Escalation)
	return r
}

func cloneCalendar(c policy.Calendar) policy.Calendar {
	c.WorkDays = slices.Clone(c.WorkDays)
	c.WorkHours = slices.Clone(c.WorkHours)
	c.Holidays = slices.Clone(c.Holidays)
	c.ExtraWorkDays = slices.Clone(c.ExtraWorkDays)
	return c
}
