package problem

import "fmt"

// Code is a stable, machine-readable reason an action was refused. The codes shared with
// package chain mean the same, so the gateway maps both to HTTP statuses alike.
type Code string

const (
	CodeCaseClosed     Code = "case_closed"     // the problem is closed, rejected or merged
	CodeStaleRevision  Code = "stale_revision"  // the client saw an older revision
	CodeNotAssignee    Code = "not_assignee"    // not the center, not responsible, not involved
	CodeSoDConflict    Code = "sod_conflict"    // who reported it solved may not verify it
	CodeReasonRequired Code = "reason_required" // the action needs a reason or a text
	CodeInvalidTarget  Code = "invalid_target"  // bad assignments or merge target
	CodeInvalidDue     Code = "invalid_due"     // a due date that is missing, past or unchanged
	CodeNotAllowedNow  Code = "not_allowed_now" // the action does not fit the problem's status
	CodeInvalidAction  Code = "invalid_action"  // malformed action
)

// Refusal is why an action is refused. Validate returns it before anything enters the
// workflow history.
type Refusal struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (r *Refusal) Error() string { return string(r.Code) + ": " + r.Message }

func refuse(code Code, format string, args ...any) *Refusal {
	return &Refusal{Code: code, Message: fmt.Sprintf(format, args...)}
}
