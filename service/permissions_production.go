package service

import (
	"slices"

	"signoff/policy"
	prb "signoff/problem"
	"signoff/store"
)

// Who a person is in production problem coordination. Who may act on a problem itself is the
// problem package's (Validate, given the actor below); who speaks for the production control
// center, keeps the registry or records meetings is the policy's (capabilities problems.coordinate
// and registry.edit, decided in permissions.go). The client never says either for itself.

// actorOf is a person as the problem rules see them on a day: center staff when the policy grants
// them problems.coordinate, and the departments whose representative post they hold.
func actorOf(u store.User, g Grants) prb.Actor {
	a := prb.Actor{ID: u.ID, Center: g.Has(policy.CapProblemsCoordinate)}
	for _, p := range g.Posts {
		if p.Post == store.PostRepresentative && !slices.Contains(a.Departments, p.DepartmentID) {
			a.Departments = append(a.Departments, p.DepartmentID)
		}
	}
	return a
}

// mayRecordMeetings reports whether an actor may record a coordination meeting and its
// decisions, and publish the problems it decided as its chair: center staff. It is the same
// capability as screening on purpose: a decision the chair may record but not publish would be
// lost between the two.
func mayRecordMeetings(a prb.Actor) bool { return a.Center }
