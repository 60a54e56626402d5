// Package text holds the one rule every typed text obeys before it is stored or enters a case's
// history: it is valid UTF-8 and carries no control characters other than tab, line feed and
// carriage return (a textarea's line breaks). PostgreSQL refuses a NUL byte and silently mangles
// nothing else, so the rule is checked at every door and in every validator, never left to the
// store. The package is pure so that the service, the chain and the problem lifecycle (which run
// inside workflows) can all ask it. Its one other rule is the way out: SpreadsheetCell, what a
// typed text becomes in an exported spreadsheet.
package text

import (
	"unicode/utf8"
)

// Problem keys, as the service's field errors name them ("problem.<key>" in the catalogues).
const (
	KeyEncoding = "text_encoding" // not valid UTF-8 (an overlong form, a lone surrogate, a stray byte)
	KeyControl  = "text_control"  // a NUL or another control character
)

// Check says what is wrong with s, as a problem key, or "" when s may be stored.
func Check(s string) string {
	if !utf8.ValidString(s) {
		return KeyEncoding
	}
	for _, r := range s {
		if Control(r) {
			return KeyControl
		}
	}
	return ""
}

// Valid reports whether s may be stored.
func Valid(s string) bool { return Check(s) == "" }

// Control reports whether r is a control character a typed text may not carry: C0 controls
// other than tab, line feed and carriage return, DEL, and the C1 controls.
func Control(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return false
	case r < 0x20, r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	}
	return false
}
