package chain

import "fmt"

// Code is a stable, machine-readable reason an action was refused. The gateway maps each code
// to an HTTP status once; clients may rely on the codes.
type Code string

const (
	CodeCaseClosed     Code = "case_closed"     // no action is possible on a closed case
	CodeStaleRevision  Code = "stale_revision"  // the client saw an older revision
	CodeNotAssignee    Code = "not_assignee"    // the actor holds no part of the current step
	CodeWrongOrder     Code = "wrong_order"     // the actor's step has not come yet
	CodeSoDConflict    Code = "sod_conflict"    // segregation of duties forbids it
	CodeReasonRequired Code = "reason_required" // reject, return and withdraw need a reason
	CodeInvalidTarget  Code = "invalid_target"  // bad transfer / add-signer / return target
	CodeNotSubmitter   Code = "not_submitter"   // only the submitter may do this
	CodeNotAllowedNow  Code = "not_allowed_now" // the action does not fit the case's status
	CodeTooSoon        Code = "too_soon"        // nudged too recently
	CodeInvalidAction  Code = "invalid_action"  // malformed action
)

// Refusal is why the chain refuses an action. It is returned by Validate before anything
// enters the workflow history.
type Refusal struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

func (r *Refusal) Error() string { return string(r.Code) + ": " + r.Message }

func refuse(code Code, format string, args ...any) *Refusal {
	return &Refusal{Code: code, Message: fmt.Sprintf(format, args...)}
}
