package door

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"signoff/service"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"signoff/chain"
	"signoff/i18n"
	"signoff/policy"
	"signoff/store"
)

// This file is the one place errors become HTTP responses. Handlers return whatever they got,
// wrapped with the operation; Classify decides what the client sees. Anything it does not
// recognise is a 500 "internal" whose cause is logged and never sent.

// Error is an error the client may see: an HTTP status, a stable code and a human sentence.
type Error struct {
	Status  int
	Code    string
	Message string
	Details map[string]any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Body is the JSON of every error response.
type Body struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details"`
}

// Errors handlers return as they are.
var (
	ErrUnauthorized       = &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "Sign in first: the request carries no valid bearer token."}
	ErrInvalidCredentials = &Error{Status: http.StatusUnauthorized, Code: "invalid_credentials", Message: "The user name or the password is wrong."}
	ErrForbidden          = &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "You are not allowed to do this."}
	ErrNotFound           = &Error{Status: http.StatusNotFound, Code: "not_found", Message: "There is nothing here."}
	ErrMethodNotAllowed   = &Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "This method is not allowed on this resource."}
	ErrUnsupportedMedia   = &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "Send the request body as application/json."}
	ErrBodyTooLarge       = &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: "The request body is too large."}
	ErrInternal           = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "Something went wrong on our side; it has been logged. Please try again later."}
	ErrTimeout            = &Error{Status: http.StatusGatewayTimeout, Code: "timeout", Message: "The case did not answer in time. The action may still take effect; reload the case before trying again."}
)

// ErrMalformedQuery is a query string that cannot be read, or whose parameter (when named)
// holds text the text rule refuses.
func ErrMalformedQuery(param string) *Error {
	e := &Error{Status: http.StatusBadRequest, Code: "malformed_query",
		Message: "The query string cannot be read, or holds a control character or invalid UTF-8.", Details: map[string]any{}}
	if param != "" {
		e.Details["field"] = param
	}
	return e
}

// errEmptyBody: a body with nothing in it, which the decoder would call an unexpected end.
var errEmptyBody = errors.New("empty request body")

// RefusalStatus maps the chain's refusal codes, and the typed business errors a case's workflow
// returns, to HTTP statuses.
var RefusalStatus = map[string]int{
	string(chain.CodeStaleRevision):  http.StatusConflict,
	string(chain.CodeCaseClosed):     http.StatusConflict,
	string(chain.CodeWrongOrder):     http.StatusConflict,
	string(chain.CodeNotAllowedNow):  http.StatusConflict,
	string(chain.CodeNotAssignee):    http.StatusForbidden,
	string(chain.CodeNotSubmitter):   http.StatusForbidden,
	string(chain.CodeSoDConflict):    http.StatusForbidden,
	string(chain.CodeReasonRequired): http.StatusUnprocessableEntity,
	string(chain.CodeInvalidTarget):  http.StatusUnprocessableEntity,
	string(chain.CodeInvalidAction):  http.StatusUnprocessableEntity,
	string(chain.CodeTooSoon):        http.StatusTooManyRequests,
	"over_budget":                    http.StatusUnprocessableEntity,
	"attachment_unavailable":         http.StatusUnprocessableEntity,
	"no_route":                       http.StatusUnprocessableEntity,
	"not_found":                      http.StatusNotFound,
	"invalid_due":                    http.StatusUnprocessableEntity, // a problem's due date
}

// kindStatus maps the service's kinds of refusal to HTTP statuses.
var kindStatus = map[service.Kind]int{
	service.KindForbidden: http.StatusForbidden,
	service.KindNotFound:  http.StatusNotFound,
	service.KindConflict:  http.StatusConflict,
	service.KindInvalid:   http.StatusUnprocessableEntity,
}

// Classify turns any error into what the client is told.
func Classify(err error) *Error {
	var (
		ours     *service.InternalError
		api      *Error
		svc      *service.Error
		refused  *service.RefusedError
		invalid  *service.ValidationError
		over     *store.OverBudgetError
		attach   *store.AttachmentError
		noRoute  *service.NoRouteError
		refusal  *chain.Refusal
		app      *temporal.ApplicationError
		tooLarge *http.MaxBytesError
		syntax   *jsontext.SyntacticError
		semantic *jsonv2.SemanticError
		text     *TextError
		notFound *serviceerror.NotFound
		updTO    *client.WorkflowUpdateServiceTimeoutOrCanceledError
		svcTO    *serviceerror.DeadlineExceeded
	)
	switch {
	case errors.As(err, &ours):
		return ErrInternal
	case errors.As(err, &api):
		return api
	case errors.As(err, &svc):
		return &Error{Status: kindStatus[svc.Kind], Code: svc.Code, Message: svc.Message, Details: svc.Details}
	case errors.As(err, &refused):
		details := make(map[string]any, len(refused.Fields))
		for k, v := range refused.Fields.In(i18n.EN) {
			details[k] = v
		}
		return &Error{Status: http.StatusUnprocessableEntity, Code: "request_refused",
			Message: "The request is refused by the procurement rules; see details for each reason.", Details: details}
	case errors.As(err, &invalid):
		details := make(map[string]any, len(invalid.Fields))
		for k, v := range invalid.Fields.In(i18n.EN) {
			details[k] = v
		}
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message: "Some fields are not valid; see details.", Details: details}

	// Decoding (see json.go).
	case errors.As(err, &tooLarge):
		return ErrBodyTooLarge
	case errors.Is(err, errEmptyBody):
		return &Error{Status: http.StatusBadRequest, Code: "malformed_json", Message: "The request body is empty; send a JSON object."}
	case errors.As(err, &text) && errors.As(err, &semantic):
		return textRefused(FieldPath(semantic.JSONPointer), text.Key)
	case errors.As(err, &semantic):
		return decodeRefused(semantic)
	case errors.As(err, &syntax):
		return syntaxRefused(syntax)
	// The store.
	case errors.Is(err, store.ErrIdempotencyMismatch):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "idempotency_key_reused",
			Message: "This Idempotency-Key was already used for a different request; use a new key for a new claim."}
	case errors.As(err, &over):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "over_budget",
			Message: fmt.Sprintf("The budget line %s has %s left, and %s was requested; the policy refuses over-budget claims.",
				over.BudgetLine, policy.Money(over.Remaining), policy.Money(over.Requested)),
			Details: map[string]any{
				"budget_line": over.BudgetLine,
				"requested":   policy.Money(over.Requested).Plain(),
				"remaining":   policy.Money(over.Remaining).Plain(),
			}}
	case errors.As(err, &attach):
		return Classify(service.FieldErrors{"attachments": {Key: "attachment_unavailable", Args: []any{strings.Join(attach.IDs, ", ")}}}.Err())
	case errors.Is(err, store.ErrBadCursor):
		return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message: "Some fields are not valid; see details.",
			Details: map[string]any{"cursor": service.Problem{Key: "cursor"}.In(i18n.EN)}}
	case errors.Is(err, store.ErrNotFound):
		return ErrNotFound

	// Routing.
	case errors.As(err, &noRoute):
		if errors.Is(err, policy.ErrOverBudget) {
			return &Error{Status: http.StatusUnprocessableEntity, Code: "over_budget",
				Message: "The claim exceeds its budget line and the policy refuses over-budget claims."}
		}
		return &Error{Status: http.StatusUnprocessableEntity, Code: "no_route",
			Message: "The policy cannot route this claim: " + noRouteCause(noRoute.Err) + ".",
			Details: map[string]any{"cause": noRoute.Err.Error()}}

	// Refusals: checked in the gateway (chain.Refusal) or returned by the case's workflow.
	case errors.As(err, &refusal):
		if status, ok := RefusalStatus[string(refusal.Code)]; ok {
			return &Error{Status: status, Code: string(refusal.Code), Message: refusal.Message}
		}
	case errors.As(err, &app):
		if status, ok := RefusalStatus[app.Type()]; ok {
			return &Error{Status: status, Code: app.Type(), Message: app.Message()}
		}

	// Temporal.
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.As(err, &updTO), errors.As(err, &svcTO):
		return ErrTimeout
	case errors.As(err, &notFound):
		return ErrNotFound
	}
	return ErrInternal
}

// noRouteCause names what stops a claim from being routed, in words a submitter can act on.
func noRouteCause(err error) string {
	switch {
	case errors.Is(err, policy.ErrNoAssignee):
		return "nobody may sign one of its steps"
	case errors.Is(err, policy.ErrUnknownCategory):
		return "its category is unknown"
	case errors.Is(err, policy.ErrUnknownKind):
		return "no chain is configured for this kind of case"
	case errors.Is(err, policy.ErrAmount):
		return "its amount is out of range"
	case errors.Is(err, policy.ErrNoAuthority):
		return "no approval authority covers its amount"
	case errors.Is(err, policy.ErrUnknownUser), errors.Is(err, policy.ErrUnknownDepartment):
		return "the submitter or their department is not in the policy"
	}
	return "the policy has no chain for it"
}

// Fail writes the error response for err. Server-side failures are logged with their cause;
// the client gets only the code and a generic sentence.
func Fail(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	e := Classify(err)
	NoteRefusal(r.Context(), e)
	attrs := []any{"request_id", RequestID(r.Context()), "code", e.Code, "error", err}
	switch {
	case e.Status >= 500:
		log.ErrorContext(r.Context(), "request failed", attrs...)
	case e.Status == http.StatusForbidden:
		// 越权操作 is refused and logged.
		log.WarnContext(r.Context(), "request refused", attrs...)
	default:
		log.DebugContext(r.Context(), "request refused", attrs...)
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="signoff"`)
	}
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	WriteJSON(w, e.Status, Body{Code: e.Code, Message: e.Message, Details: details})
}
