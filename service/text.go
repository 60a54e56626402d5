package service

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"signoff/text"
)

// Checks of typed text shared by every form: each adds its problem to bad under field.

// checkText trims a text and checks it obeys the text rule (package text: valid UTF-8, no NUL
// or other control character), is present when required and is at most max characters.
func checkText(bad FieldErrors, field, v string, max int, required bool) string {
	v = strings.TrimSpace(v)
	switch key := text.Check(v); {
	case key != "":
		bad.Add(field, key)
	case v == "" && required:
		bad.Add(field, "required")
	case utf8.RuneCountInString(v) > max:
		bad.Add(field, "too_long", max)
	}
	return v
}

// checkPlain checks a value that is not free text (an ID, a reference, a choice) obeys the text
// rule, so that it is refused at its field rather than by the store.
func checkPlain(bad FieldErrors, field, v string) {
	if key := text.Check(v); key != "" {
		bad.Add(field, key)
	}
}

// checkChoice checks a value is one of the allowed ones.
func checkChoice(bad FieldErrors, field, v string, allowed []string) {
	switch {
	case v == "":
		bad.Add(field, "required")
	case !slices.Contains(allowed, v):
		bad.Add(field, "one_of", allowed)
	}
}

// checkDay reads a required day (YYYY-MM-DD).
func checkDay(bad FieldErrors, field, v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		bad.Add(field, "required")
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		bad.Add(field, "date")
		return time.Time{}, false
	}
	return d, true
}

// distinct trims the IDs and drops blanks and repeats, keeping the first order.
func distinct(ids []string) []string {
	var out []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Truncate shortens s to at most n characters, marking the cut with an ellipsis.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
