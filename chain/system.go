package chain

import "strings"

// The system's own actions. The workflow makes some entries by itself (reminders, escalations:
// SystemActor), and the service sends one action in the system's name: a system transfer, which
// re-routes the part of a step held by someone who left (service.DeactivateUser). It is a
// transfer like a person's, checked by the same rule (transferRefusal: the target holds the
// step's authority for the case, may sign that seat, has no segregation-of-duties conflict), with
// the system as its actor and the departed holder as the one it is taken for (OnBehalfOf), so the
// seal reads "transferred by the system on behalf of 李娜" with the reason as its comment.

// validateSystem refuses anything the system may not do: every action but a transfer, a transfer
// not naming whose part it moves, and one without its reason.
func validateSystem(a Action) error {
	switch {
	case a.Type != ActTransfer:
		return refuse(CodeInvalidAction, "the system only transfers a step, never takes %q", a.Type)
	case a.OnBehalfOf == "":
		return refuse(CodeInvalidAction, "a system transfer names whose part of the step it moves")
	case strings.TrimSpace(a.Comment) == "":
		return refuse(CodeReasonRequired, "a system transfer needs its reason")
	}
	return nil
}
