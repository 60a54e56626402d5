package door

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"signoff/i18n"
	"signoff/service"
	"signoff/text"
)

// What the strict decoder refuses, as the client is told it. Shape problems (not JSON, an
// unknown or repeated member) are 400s naming the field; content problems (a wrong JSON type,
// text the text rule refuses, invalid UTF-8) are 422 invalid_input with the field's problem,
// the same shape the service's own validation answers with.

// syntaxRefused classifies a syntactic error: a repeated member, bad text encoding, or JSON
// that is not one well-formed value.
func syntaxRefused(err *jsontext.SyntacticError) *Error {
	switch {
	case errors.Is(err.Err, jsontext.ErrDuplicateName):
		field := FieldPath(err.JSONPointer)
		return &Error{Status: http.StatusBadRequest, Code: "duplicate_field",
			Message: fmt.Sprintf("The request gives the field %q more than once; give each field once.", field),
			Details: map[string]any{"field": field}}
	case badEncoding(err):
		return textRefused(FieldPath(err.JSONPointer), text.KeyEncoding)
	case errors.Is(err.Err, io.ErrUnexpectedEOF):
		return &Error{Status: http.StatusBadRequest, Code: "malformed_json", Message: "The request body ends in the middle of a JSON value."}
	}
	return &Error{Status: http.StatusBadRequest, Code: "malformed_json",
		Message: "The request body is not one valid JSON value (at byte " + strconv.FormatInt(err.ByteOffset, 10) + ")."}
}

// decodeRefused classifies a semantic error: an unknown member (a case variant of a known one
// included), or a value of the wrong JSON type.
func decodeRefused(err *jsonv2.SemanticError) *Error {
	field := FieldPath(err.JSONPointer)
	if errors.Is(err.Err, jsonv2.ErrUnknownName) {
		return &Error{Status: http.StatusBadRequest, Code: "unknown_field",
			Message: fmt.Sprintf("The request has a field this endpoint does not know: %q (names are matched exactly).", field),
			Details: map[string]any{"field": field}}
	}
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
		Message: "Some fields are not valid; see details.",
		Details: map[string]any{field: service.Problem{Key: "json_type", Args: []any{jsonKindName(err.JSONKind)}}.In(i18n.EN)}}
}

// textRefused is the 422 for text the text rule refuses at field.
func textRefused(field, key string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
		Message: "Some fields are not valid; see details.",
		Details: map[string]any{field: service.Problem{Key: key}.In(i18n.EN)}}
}
