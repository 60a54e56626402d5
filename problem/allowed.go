package problem

import "time"

// What a person may do now and what each form must carry are both asked of Validate, with a
// well-formed example of each action: the UI offers and marks exactly what the validator
// accepts and demands, and there is no second list of rules to drift.

// anyone is an example publication that no real one equals.
var anyone = []Assignment{{Department: "<any department>", Representatives: []string{"<any representative>"}}}

// Example is a well-formed action of type t by actor now: what a person sends once they have
// filled in everything its form takes. Allowed and Forms try it on Validate, so they never
// refuse or mark anything for reasons other than what the person has yet to type.
func (s *State) Example(t ActionType, actor Actor, now time.Time) Action {
	a := Action{Type: t, Actor: actor, Revision: s.Revision, Comment: "-"}
	switch t {
	case ActPublish:
		a.Assignments, a.DueAt = anyone, now.Add(time.Hour)
	case ActRepublish:
		a.Assignments, a.DueAt = anyone, now.Add(time.Hour)
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
	return a
}

// Parts are the parts of an action a person fills in on its form, besides who sends it and the
// revision they saw.
type Parts struct {
	Reason      bool `json:"reason"`      // the comment: a reason, an opinion or the text of a post
	Assignments bool `json:"assignments"` // departments, each with its representatives
	DueAt       bool `json:"due_at"`
	MergeInto   bool `json:"merge_into"`
}

// Form is an action the actor may take now, with the parts its form takes and the parts it
// needs: those without which Validate refuses it.
type Form struct {
	Type  ActionType `json:"type"`
	Takes Parts      `json:"takes"`
	Needs Parts      `json:"needs"`
}

// Forms lists the actions the actor may take now, in the order a UI offers them, each with what
// its form takes and needs.
func (s *State) Forms(actor Actor, now time.Time) []Form {
	var out []Form
	for _, t := range Actions {
		a := s.Example(t, actor, now)
		if s.Validate(a, now) != nil {
			continue
		}
		refusedWithout := func(drop func(*Action)) bool {
			b := a
			drop(&b)
			return s.Validate(b, now) != nil
		}
		f := Form{Type: t, Takes: Parts{Reason: true, Assignments: a.Assignments != nil, DueAt: !a.DueAt.IsZero(),
			MergeInto: a.MergeInto != ""}}
		f.Needs = Parts{
			Reason:      refusedWithout(func(b *Action) { b.Comment = "" }),
			Assignments: f.Takes.Assignments && refusedWithout(func(b *Action) { b.Assignments = nil }),
			DueAt:       f.Takes.DueAt && refusedWithout(func(b *Action) { b.DueAt = time.Time{} }),
			MergeInto:   f.Takes.MergeInto && refusedWithout(func(b *Action) { b.MergeInto = "" }),
		}
		out = append(out, f)
	}
	return out
}

// Allowed lists the actions the actor may take now, in the order a UI offers them.
func (s *State) Allowed(actor Actor, now time.Time) []ActionType {
	var out []ActionType
	for _, f := range s.Forms(actor, now) {
		out = append(out, f.Type)
	}
	return out
}
