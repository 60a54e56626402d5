package policy

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"signoff/ledger"
)

// Seals says what each chain role's seal vouches for: the groups of the case's content
// (ledger.Group) a signer of that role attests. A resubmission's edit re-opens a signed step
// only when it changes a group the step's seal covers: the witness (证明人) attests that the
// expense happened as its lines, amount and receipts say, so a reworded purpose leaves the
// witness's seal standing, while a changed amount makes the witness sign again. A role not
// named covers the whole content, the safe reading: any change re-opens it.
type Seals struct {
	Covers map[Role][]ledger.Group `json:"covers,omitempty" yaml:"covers"`
}

// Covered is the groups a seal of role vouches for, in the canonical order.
func (s Seals) Covered(role Role) []ledger.Group {
	gs, ok := s.Covers[role]
	if !ok {
		return ledger.Groups
	}
	out := slices.Clone(gs)
	sort.SliceStable(out, func(i, j int) bool {
		return slices.Index(ledger.Groups, out[i]) < slices.Index(ledger.Groups, out[j])
	})
	return out
}

// Invalidates says whether content now breaks the attestation a of a signed step: a changed
// group the step's role covers. An attestation whose content the ledger does not keep (a seal
// from before contents were kept) is judged by its whole digest.
func (s Seals) Invalidates(now ledger.Content, a ledger.Attested) bool {
	if a.Content == nil {
		return a.Digest != now.Digest()
	}
	changed := ledger.ChangedGroups(*a.Content, now)
	for _, g := range s.Covered(Role(a.Role)) {
		if slices.Contains(changed, g) {
			return true
		}
	}
	return false
}

// Reopened lists, in key order, the signed steps whose latest approvals content now
// invalidates: the steps a resubmission with that content sends back to their signers.
func (s Seals) Reopened(now ledger.Content, signed []ledger.Attested) []string {
	var keys []string
	for _, a := range signed {
		if s.Invalidates(now, a) && !slices.Contains(keys, a.StepKey) {
			keys = append(keys, a.StepKey)
		}
	}
	slices.Sort(keys)
	return keys
}

func (s Seals) problems(roles map[Role]bool) []string {
	var out []string
	for _, role := range slices.Sorted(maps.Keys(s.Covers)) {
		gs := s.Covers[role]
		if !roles[role] {
			out = append(out, fmt.Sprintf("seals: covers: role %q is not in roles", role))
		}
		if len(gs) == 0 {
			out = append(out, fmt.Sprintf("seals: covers: %s covers nothing: leave the role out to cover everything", role))
		}
		for i, g := range gs {
			switch {
			case !ledger.KnownGroup(g):
				out = append(out, fmt.Sprintf("seals: covers: %s: %q is not one of %v", role, g, ledger.Groups))
			case slices.Contains(gs[:i], g):
				out = append(out, fmt.Sprintf("seals: covers: %s names %q twice", role, g))
			}
		}
	}
	return out
}
