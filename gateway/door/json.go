package door

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"signoff/text"
)

// Requests are decoded once, strictly, before any rule sees them (STYLE 15), with the
// semantics of encoding/json/v2 (github.com/go-json-experiment/json, the prototype by its
// authors, so that no build needs GOEXPERIMENT=jsonv2): member names match exactly (`Purpose`
// is not `purpose`), a name given twice is refused rather than the last one winning, unknown
// members are refused, and the text must be valid UTF-8 with no lone surrogates. Every string
// decoded into a Go string must also pass the text rule (package text): a NUL or another control
// character is refused at its field. A validator or proxy that reads the first of two values
// therefore never sees a different request than Signoff stores.

// decodeOptions are the decoder's settings. The v2 defaults already refuse duplicate names,
// case-variant names and invalid UTF-8; unknown members are refused explicitly.
var decodeOptions = jsonv2.JoinOptions(
	jsonv2.RejectUnknownMembers(true),
	jsonv2.WithUnmarshalers(jsonv2.UnmarshalFromFunc(decodeText)),
)

// DecodeJSON reads exactly one JSON object into dst: see above for what is refused. The body is
// read whole (limitBody bounds it). Its errors are mapped by Classify.
func DecodeJSON(r *http.Request, dst any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	return DecodeJSONBytes(body, dst)
}

// DecodeJSONBytes is DecodeJSON over a body already read; the fuzz tests call it.
func DecodeJSONBytes(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return errEmptyBody
	}
	if err := jsonv2.Unmarshal(body, dst, decodeOptions); err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	return nil
}

// TextError is a decoded string that the text rule refuses; Key is the problem key.
type TextError struct{ Key string }

func (e *TextError) Error() string { return "text refused: " + e.Key }

// decodeText decodes a JSON string into any Go string (a named string type, such as an action
// type, included) and applies the text rule. Anything else, and a type that decodes itself, is
// left to the default decoder, which also reports a type mismatch.
func decodeText(dec *jsontext.Decoder, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.String || decodesItself(v) || dec.PeekKind() != '"' {
		return jsonv2.SkipFunc
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	s := tok.String()
	if key := text.Check(s); key != "" {
		return &TextError{Key: key}
	}
	rv.Elem().SetString(s)
	return nil
}

// decodesItself reports whether v has its own decoding method, which then reads its text.
func decodesItself(v any) bool {
	switch v.(type) {
	case json.Unmarshaler, jsonv2.Unmarshaler, jsonv2.UnmarshalerFrom, encoding.TextUnmarshaler:
		return true
	}
	return false
}

// FieldPath turns a JSON pointer ("/lines/0/description") into the field path the service's
// errors use ("lines[0].description"); the root is "body".
func FieldPath(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.ParseUint(tok, 10, 64); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// badEncoding reports whether a syntactic error is about the text's encoding (invalid UTF-8, a
// lone or reversed surrogate) rather than the JSON's shape. The decoder names these only in its
// message, so the message is read here and nowhere else.
func badEncoding(err *jsontext.SyntacticError) bool {
	if err.Err == nil {
		return false
	}
	msg := err.Err.Error()
	return strings.Contains(msg, "UTF-8") || strings.Contains(msg, "surrogate")
}

// jsonKindName names a JSON kind as the "json_type" problem says it.
func jsonKindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

// WriteJSON writes v as the JSON response body with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to tell it
}
