package problem

import "time"

// anyone is an example publication that no real one equals.
var anyone = []Assignment{{Department: "\x00any", Representatives: []string{"\x00any"}}}

// Allowed lists the actions the actor may take now, in the order a UI offers them. It asks
// Validate with a well-formed example of each action, so it never offers what would be refused
// for reasons other than the details the user has yet to type.
func (s *State) Allowed(actor Actor, now time.Time) []ActionType {
	var out []ActionType
	for _, t := range Actions {
		a := Action{Type: t, Actor: actor, Revision: s.Revision, Comment: "-"}
		switch t {
		case ActPublish:
			a.Assignments, a.DueAt = anyone, now.Add(time.Hour)
		case ActRepublish:
			a.Assignments = anyone
		case ActMerge:
			a.MergeInto = "PRB-0000-000000"
			if a.MergeInto == s.ProblemID {
				a.MergeInto = "PRB-0000-000001"
			}
		case ActChangeDue:
			a.DueAt = now.Add(time.Hour)
			if s.DueAt.After(now) {
				a.DueAt = s.DueAt.Add(time.Hour)
			}
		}
		if s.Validate(a, now) == nil {
			out = append(out, t)
		}
	}
	return out
}
