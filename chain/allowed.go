package chain

import (
	"slices"
	"time"
)

// What a person may do now and what each action's form must carry are both asked of Validate,
// with a well-formed example of each action: a UI offers and marks exactly what the validator
// accepts and demands, and there is no second list of rules to drift.

// anySigner is the example's added signer in a case that does not know the organisation's
// members (submitted before they were kept): no real user is named so (a user ID has no spaces
// or brackets), and it is storable text, which the validator demands of every target.
const anySigner = "<any signer>"

// Example is a well-formed action of type t by user (standing in for onBehalfOf, if set) now:
// what they send once they have filled in everything its form takes. Forms tries it on Validate,
// so it never refuses or marks anything for reasons other than what the person has yet to type.
func (s *State) Example(t ActionType, user, onBehalfOf string, now time.Time) Action {
	a := Action{Type: t, Actor: user, OnBehalfOf: onBehalfOf, Revision: s.Revision, Comment: "-"}
	switch t {
	case ActTransfer:
		a.Target = s.transferCandidate(a.Principal())
	case ActAddSigner:
		a.Target, a.Position = s.signerCandidate(user), PositionParallel
	case ActPay:
		a.Reference, a.PaidAt = "-", now
	}
	return a
}

// Parts are the parts of an action a person fills in on its form, besides who sends it and the
// revision they saw.
type Parts struct {
	Reason    bool `json:"reason"`    // the comment: a reason or an opinion
	ToStep    bool `json:"to_step"`   // return: the earlier step it goes back to ("" the submitter)
	Target    bool `json:"target"`    // transfer, add_signer: the colleague
	Position  bool `json:"position"`  // add_signer: before, after or in parallel
	Reference bool `json:"reference"` // pay: the bank reference
	PaidAt    bool `json:"paid_at"`   // pay: when the money left
}

// takes are the parts of Action that action t reads besides the comment, which every action
// carries (a nudge's is a note to the holders).
func takes(t ActionType) Parts {
	p := Parts{Reason: true}
	switch t {
	case ActReturn:
		p.ToStep = true
	case ActTransfer:
		p.Target = true
	case ActAddSigner:
		p.Target, p.Position = true, true
	case ActPay:
		p.Reference, p.PaidAt = true, true
	}
	return p
}

// Form is an action the user may take now, with the parts its form takes and the parts it
// needs: those without which Validate refuses it.
type Form struct {
	Type  ActionType `json:"type"`
	Takes Parts      `json:"takes"`
	Needs Parts      `json:"needs"`
}

// Forms lists the actions the user (standing in for onBehalfOf, if set) may take now, in the
// order a UI offers them, each with what its form takes and needs.
func (s *State) Forms(user, onBehalfOf string, now time.Time) []Form {
	var out []Form
	for _, t := range Actions {
		a := s.Example(t, user, onBehalfOf, now)
		if s.Validate(a, now) != nil {
			continue
		}
		refusedWithout := func(drop func(*Action)) bool {
			b := a
			drop(&b)
			return s.Validate(b, now) != nil
		}
		f := Form{Type: t, Takes: takes(t)}
		f.Needs = Parts{
			Reason:    refusedWithout(func(b *Action) { b.Comment = "" }),
			ToStep:    f.Takes.ToStep && refusedWithout(func(b *Action) { b.ToStep = "" }),
			Target:    f.Takes.Target && refusedWithout(func(b *Action) { b.Target = "" }),
			Position:  f.Takes.Position && refusedWithout(func(b *Action) { b.Position = "" }),
			Reference: f.Takes.Reference && refusedWithout(func(b *Action) { b.Reference = "" }),
			PaidAt:    f.Takes.PaidAt && refusedWithout(func(b *Action) { b.PaidAt = time.Time{} }),
		}
		out = append(out, f)
	}
	return out
}

// Allowed lists the actions the user (standing in for onBehalfOf, if set) may take now, in the
// order a UI offers them.
func (s *State) Allowed(user, onBehalfOf string, now time.Time) []ActionType {
	var out []ActionType
	for _, f := range s.Forms(user, onBehalfOf, now) {
		out = append(out, f.Type)
	}
	return out
}

// transferCandidate returns someone principal's part of the step could be transferred to, or "".
func (s *State) transferCandidate(principal string) string {
	if to := s.TransferTargets(principal); len(to) > 0 {
		return to[0]
	}
	return ""
}

// signerCandidate returns a member of the organisation who could be added to the current step
// (not on it, not the actor, free of any segregation-of-duties conflict), or "".
func (s *State) signerCandidate(actor string) string {
	st := s.CurrentStep()
	if st == nil {
		return ""
	}
	if len(s.Members) == 0 {
		return anySigner
	}
	for _, m := range s.Members {
		if m == actor || slices.Contains(st.Assignees, m) {
			continue
		}
		if _, bad := s.conflict(m, st.Role, ""); !bad {
			return m
		}
	}
	return ""
}
