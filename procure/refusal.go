package procure

import "fmt"

// Code is a stable, machine-readable reason an order event was refused. The codes are those
// of package chain and mean the same, so the gateway maps them to HTTP statuses alike.
type Code string

const (
	CodeCaseClosed    Code = "case_closed"     // the order is paid and closed: it takes nothing more
	CodeNotAllowedNow Code = "not_allowed_now" // the event does not fit the order's status
	CodeInvalidAction Code = "invalid_action"  // a malformed event, or one that does not fit the order
)

// Refusal is why the order refuses an event. Validate returns it before anything enters the
// workflow history; Problems say, field by field, what does not fit when the form is at fault.
type Refusal struct {
	Code     Code      `json:"code"`
	Message  string    `json:"message"`
	Problems []Problem `json:"problems,omitempty"`
}

func (r *Refusal) Error() string { return string(r.Code) + ": " + r.Message }

func refuse(code Code, format string, args ...any) *Refusal {
	return &Refusal{Code: code, Message: fmt.Sprintf(format, args...)}
}
