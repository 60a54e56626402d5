package policy

import (
	"fmt"
	"slices"
)

// Production holds the rules of production problem coordination (生产问题协调): how long the
// responsible side has by severity, when people are reminded, and whom an overdue problem is
// escalated to, rung by rung. All times are working time on the policy's calendar.
type Production struct {
	Severities     []Severity `json:"severities" yaml:"severities"`
	ReminderBefore Duration   `json:"reminder_before" yaml:"reminder_before"`
	// Escalation is the ladder an overdue problem climbs: each rung After the due time (in
	// working time) escalates to its targets. A problem the center marks "cannot resolve", or an
	// urgent one, is escalated at once to the first rung's targets.
	Escalation []Rung `json:"escalation" yaml:"escalation"`
}

// Severity is how grave a problem is, and the default time it gets once published.
type Severity struct {
	ID    string   `json:"id" yaml:"id"`
	Label string   `json:"label" yaml:"label"`
	Due   Duration `json:"due" yaml:"due"` // working time from publication to the default due date
	// Urgent problems are escalated as soon as they are published (紧急情况紧急汇报).
	Urgent bool `json:"urgent,omitempty" yaml:"urgent"`
}

// Rung is one step of the escalation ladder.
type Rung struct {
	After Duration `json:"after" yaml:"after"` // working time past the due time
	To    string   `json:"to" yaml:"to"`       // center_director or department_leader
}

// Escalation targets: posts of the representatives registry.
const (
	EscalateCenterDirector   = string(PostCenterDirector)
	EscalateDepartmentLeader = string(PostDepartmentLeader)
)

// Severity finds a severity by ID.
func (p Production) Severity(id string) (Severity, bool) {
	i := slices.IndexFunc(p.Severities, func(s Severity) bool { return s.ID == id })
	if i < 0 {
		return Severity{}, false
	}
	return p.Severities[i], true
}

// problems lists what is wrong with the production rules; a document without severities has
// no production coordination and is not checked.
func (p Production) problems() []string {
	if len(p.Severities) == 0 {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, s := range p.Severities {
		switch {
		case s.ID == "":
			out = append(out, "production: a severity has no id")
		case seen[s.ID]:
			out = append(out, fmt.Sprintf("production: severity %q is listed twice", s.ID))
		}
		seen[s.ID] = true
		if s.Due <= 0 {
			out = append(out, fmt.Sprintf("production: severity %q: due %s is not positive", s.ID, s.Due))
		}
	}
	if p.ReminderBefore < 0 {
		out = append(out, fmt.Sprintf("production: reminder_before %s is negative", p.ReminderBefore))
	}
	if len(p.Escalation) == 0 {
		out = append(out, "production: the escalation ladder has no rungs")
	}
	for i, r := range p.Escalation {
		if r.To != EscalateCenterDirector && r.To != EscalateDepartmentLeader {
			out = append(out, fmt.Sprintf("production: escalation rung %d: to %q is not %s or %s", i+1, r.To,
				EscalateCenterDirector, EscalateDepartmentLeader))
		}
		if r.After < 0 || (i > 0 && r.After <= p.Escalation[i-1].After) {
			out = append(out, fmt.Sprintf("production: escalation rung %d: after %s must be later than the rung before", i+1, r.After))
		}
	}
	return out
}
