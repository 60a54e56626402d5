package chain

import (
	"slices"
	"time"
)

// Allowed lists the actions the user may take now, in the order a UI offers them. It asks
// Validate with a well-formed example of each action, so it can never offer what would be
// refused for reasons other than the details the user has yet to type.
func (s *State) Allowed(user, onBehalfOf string, now time.Time) []ActionType {
	var out []ActionType
	for _, t := range Actions {
		a := Action{Type: t, Actor: user, OnBehalfOf: onBehalfOf, Revision: s.Revision,
			Comment: "-", Reference: "-", PaidAt: now, Position: PositionParallel}
		switch t {
		case ActTransfer:
			a.Target = s.transferCandidate(a.Principal())
		case ActAddSigner:
			a.Target = "\x00any"
		}
		if s.Validate(a, now) == nil {
			out = append(out, t)
		}
	}
	return out
}

// transferCandidate returns someone the step could be transferred to (holding the post and free
// of any segregation-of-duties conflict on the case), or "".
func (s *State) transferCandidate(principal string) string {
	st := s.CurrentStep()
	if st == nil {
		return ""
	}
	for _, p := range st.Pool {
		if p == principal || slices.Contains(st.Assignees, p) {
			continue
		}
		if _, bad := s.conflict(p, st.Role, ""); !bad {
			return p
		}
	}
	return ""
}
