package policy

import "sort"

// RolesIncompatible reports whether one person may not hold both roles on the same case
// (不相容岗位分离). The relation is symmetric and comes only from the document's pairs. (It cannot be
// called Incompatible: that is the name of the field holding the pairs.)
func (d *Document) RolesIncompatible(a, b Role) bool {
	for _, p := range d.Incompatible {
		if (p[0] == a && p[1] == b) || (p[0] == b && p[1] == a) {
			return true
		}
	}
	return false
}

// ConflictFor reports whether user may not take role on a case because they already hold an
// incompatible role there. held maps each role to the users already holding it on the case (the
// submitter holds RoleHandler). The first conflicting role is returned, in role catalogue order
// (then by name for roles outside the catalogue), so the answer is the same on every call.
func (d *Document) ConflictFor(held map[Role][]string, user string, role Role) (Role, bool) {
	for _, r := range d.catalogueOrder(held) {
		if !d.RolesIncompatible(r, role) {
			continue
		}
		for _, u := range held[r] {
			if u == user {
				return r, true
			}
		}
	}
	return "", false
}

// catalogueOrder returns the roles of held sorted by their place in the role catalogue.
func (d *Document) catalogueOrder(held map[Role][]string) []Role {
	rank := make(map[Role]int, len(d.Roles))
	for i, def := range d.Roles {
		if _, ok := rank[def.ID]; !ok {
			rank[def.ID] = i
		}
	}
	roles := make([]Role, 0, len(held))
	// The keys are sorted right below, so the map's order never shows.
	//workflowcheck:ignore
	for r := range held {
		roles = append(roles, r)
	}
	sort.Slice(roles, func(i, j int) bool {
		ri, okI := rank[roles[i]]
		rj, okJ := rank[roles[j]]
		switch {
		case okI && okJ:
			return ri < rj
		case okI != okJ:
			return okI
		default:
			return roles[i] < roles[j]
		}
	})
	return roles
}
