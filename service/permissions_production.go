package service

import (
	"slices"

	prb "signoff/problem"
	"signoff/store"
)

// Who may do what in production problem coordination, one small function per rule. Who may act
// on a problem itself is the problem package's (Validate, given the actor below); these decide
// who the actor is and who may keep the registry and record meetings. Capabilities declared in
// the policy will replace the bodies here, and only here.

// roleGeneralManager is the org role that may always keep the registry.
const roleGeneralManager = "general_manager"

// ErrNotRegistrar refuses a change to the registry by someone who may not keep it.
var ErrNotRegistrar = &Error{Kind: KindForbidden, Code: "not_registrar",
	Message: "Only the general manager or the production control center's director or deputy may change the registry."}

// speaksForCenter reports whether a post makes its holder center staff: the director, a deputy
// or a dispatcher of the production control center.
func speaksForCenter(post string) bool {
	return post == store.PostCenterDirector || post == store.PostCenterDeputy || post == store.PostCenterDispatcher
}

// actorOf is a person as the problem rules see them, from the posts they hold on a day: center
// staff, and the departments they represent. The client never says this for itself.
func actorOf(u store.User, posts []store.Post) prb.Actor {
	a := prb.Actor{ID: u.ID}
	for _, p := range posts {
		switch {
		case speaksForCenter(p.Post):
			a.Center = true
		case p.Post == store.PostRepresentative && !slices.Contains(a.Departments, p.DepartmentID):
			a.Departments = append(a.Departments, p.DepartmentID)
		}
	}
	return a
}

// keepsRegistry reports whether a person holding these posts on a day may change the registry:
// the general manager, or a director or deputy of the center in office that day.
func keepsRegistry(u store.User, posts []store.Post) bool {
	if slices.Contains(u.Roles, roleGeneralManager) {
		return true
	}
	return slices.ContainsFunc(posts, func(p store.Post) bool {
		return p.Post == store.PostCenterDirector || p.Post == store.PostCenterDeputy
	})
}

// mayRecordMeetings reports whether an actor may record a coordination meeting and its
// decisions: center staff.
func mayRecordMeetings(a prb.Actor) bool { return a.Center }

// mayPublishDecisions reports whether an actor may publish the problems a meeting decided, as
// the chair or as the one recording them: center staff.
func mayPublishDecisions(a prb.Actor) bool { return a.Center }
