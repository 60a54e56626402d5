package service

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"signoff/policy"
)

// Amounts and quantities as people type them. Every door reads them the same way: the JSON API
// keeps the text a client sent (a string or a number), a form keeps what was typed, and
// ParseAmount and ParseQuantity say what is wrong with either in the same words. Claims,
// purchase requests, deliveries and invoices all read their numbers here.

// MaxQuantity is the largest number of units one line may ask for.
const MaxQuantity = 1_000_000_000

// AmountText keeps an amount exactly as the client wrote it, as a JSON string or a JSON number,
// so that it is parsed from its text by policy.ParseMoney and never passes through float64.
// Any other JSON value is kept as not-an-amount, for the validator to report with the rest.
type AmountText struct {
	text    string
	present bool // the field was given and not null
	valid   bool // it was a string or a number
}

// UnmarshalJSON keeps the value's text.
func (a *AmountText) UnmarshalJSON(b []byte) error {
	*a = AmountText{}
	switch {
	case len(b) == 0 || string(b) == "null":
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = AmountText{text: s, present: true, valid: true}
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*a = AmountText{text: string(b), present: true, valid: true}
	default:
		*a = AmountText{present: true}
	}
	return nil
}

// Text is the amount as written ("" when absent).
func (a AmountText) Text() string { return a.text }

// isZero reports whether the text is exactly "0", which an invoice line may say of a quantity.
func (a AmountText) isZero() bool { return a.present && strings.TrimSpace(a.text) == "0" }

// Given reports whether the field was given (and not null).
func (a AmountText) Given() bool { return a.present }

// TypedAmount is a number as typed into a form: absent when left blank, thousands separators
// dropped.
func TypedAmount(s string) AmountText {
	t := strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if t == "" {
		return AmountText{}
	}
	return AmountText{text: t, present: true, valid: true}
}

// ParseAmount reads a positive amount with at most two decimals, or says what is wrong with it.
func ParseAmount(a AmountText) (policy.Money, Problem) {
	if !a.present {
		return 0, Problem{Key: "required"}
	}
	if !a.valid {
		return 0, Problem{Key: "amount_type"}
	}
	if strings.HasPrefix(a.text, "-") {
		return 0, Problem{Key: "amount_positive"}
	}
	m, err := policy.ParseMoney(a.text)
	switch {
	case errors.Is(err, policy.ErrMoneyDecimals):
		return 0, Problem{Key: "amount_decimals"}
	case errors.Is(err, policy.ErrMoneyRange):
		return 0, Problem{Key: "amount_max", Args: []any{policy.MaxMoney.String()}}
	case err != nil && strings.ContainsAny(a.text, "eE"):
		return 0, Problem{Key: "amount_exponent"}
	case err != nil:
		return 0, Problem{Key: "amount_format"}
	case m == 0:
		return 0, Problem{Key: "amount_positive"}
	}
	return m, Problem{}
}

// ParseQuantity reads a whole, positive number of units.
func ParseQuantity(a AmountText) (int64, Problem) {
	if !a.present {
		return 0, Problem{Key: "required"}
	}
	if !a.valid {
		return 0, Problem{Key: "quantity_integer"}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(a.text), 10, 64)
	switch {
	case err != nil:
		return 0, Problem{Key: "quantity_integer"}
	case n <= 0:
		return 0, Problem{Key: "quantity_positive"}
	case n > MaxQuantity:
		return 0, Problem{Key: "quantity_max", Args: []any{MaxQuantity}}
	}
	return n, Problem{}
}
