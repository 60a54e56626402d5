package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxMoney is the largest amount Signoff accepts: 999,999,999,999.99. The cap keeps every sum of
// a few amounts far from int64 overflow.
const MaxMoney Money = 99_999_999_999_999

// Errors from ParseMoney, so that a caller can tell the user what is wrong with what they typed.
var (
	ErrMoneyFormat   = errors.New("not a number")           // empty, signed, letters, "1e5", "1,000", "5."
	ErrMoneyDecimals = errors.New("more than two decimals") // "5000.001"
	ErrMoneyRange    = errors.New("too large")              // above MaxMoney
)

// ParseMoney reads a non-negative decimal amount with at most two decimals ("5000", "5000.5",
// "5000.50") into minor units. Signs, exponents, separators and spaces are refused.
func ParseMoney(s string) (Money, error) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if !allDigits(whole) || (hasDot && !allDigits(frac)) {
		return 0, fmt.Errorf("money %q: %w", s, ErrMoneyFormat)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("money %q: %w", s, ErrMoneyDecimals)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 12 {
		return 0, fmt.Errorf("money %q: %w", s, ErrMoneyRange)
	}
	var units int64
	if whole != "" {
		n, err := strconv.ParseInt(whole, 10, 64)
		if err != nil { // cannot happen for ≤ 12 digits; kept so a change above cannot hide one
			return 0, fmt.Errorf("money %q: %w", s, ErrMoneyRange)
		}
		units = n * 100
	}
	for i, mult := 0, int64(10); i < 2; i, mult = i+1, mult/10 {
		if i < len(frac) {
			units += int64(frac[i]-'0') * mult
		}
	}
	return Money(units), nil
}

// allDigits reports whether s is a non-empty run of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats the amount for people: "12,000.00".
func (m Money) String() string {
	return m.format(true)
}

// Plain formats the amount for machines: "12000.00". It is what JSON and YAML carry.
func (m Money) Plain() string {
	return m.format(false)
}

func (m Money) format(grouped bool) string {
	neg := m < 0
	u := uint64(m)
	if neg {
		u = -u // two's complement: correct even for the smallest int64
	}
	whole := strconv.FormatUint(u/100, 10)
	if grouped {
		var b strings.Builder
		for i, c := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(c)
		}
		whole = b.String()
	}
	sign := ""
	if neg {
		sign = "-"
	}
	return fmt.Sprintf("%s%s.%02d", sign, whole, u%100)
}

// MarshalJSON writes the amount as a decimal string, "12000.00".
func (m Money) MarshalJSON() ([]byte, error) {
	return json.Marshal(m.Plain())
}

// UnmarshalJSON reads a decimal string or a JSON number token. A number is parsed from its text,
// never through float64, so 0.1 + 0.2 problems cannot arise. null leaves the value unchanged.
func (m *Money) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	text := string(data)
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &text); err != nil {
			return fmt.Errorf("money: %w", ErrMoneyFormat)
		}
	}
	v, err := ParseMoney(text)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MarshalYAML writes the amount as a decimal string, "12000.00".
func (m Money) MarshalYAML() (any, error) {
	return m.Plain(), nil
}

// UnmarshalYAML reads a scalar, quoted or not, from its text ("5000", 5000.50, "5000.5").
func (m *Money) UnmarshalYAML(value *yaml.Node) error {
	if value.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: money must be a scalar: %w", value.Line, ErrMoneyFormat)
	}
	v, err := ParseMoney(value.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", value.Line, err)
	}
	*m = v
	return nil
}
