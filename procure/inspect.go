package procure

import (
	"fmt"
	"strings"
	"time"

	"signoff/policy"
)

// InspectFacts is everything Inspect needs, loaded by the caller.
type InspectFacts struct {
	Day        time.Time           // receiving day, midnight UTC
	SupplierID string              // the order's supplier
	Materials  map[string]Material // by ID, for the order's lines
	Order      []OrderLine         // with Accepted and Pending so far
	Lines      []DeliveryLine      // what arrived, one per order line delivered
}

// Verdict is the keeper's finding on one delivered line. Quantity is what is accepted: the
// counted quantity, or 0 when the line is refused.
type Verdict struct {
	LineNo   int       `json:"line_no"`
	Accepted bool      `json:"accepted"`
	Quantity int64     `json:"quantity"`
	Problems []Problem `json:"problems,omitempty"`
}

// Inspect is receiving inspection (验收): it judges each delivered line against its order line
// and refuses it, with every reason that applies, when the count, the paperwork or the goods
// are wrong. When the form itself is wrong (no lines, a line not on the order or given twice,
// a quantity that is not positive) nothing is judged: verdicts is nil and bad says why.
func Inspect(rules policy.Procurement, f InspectFacts) (verdicts []Verdict, bad []Problem) {
	order := make(map[int]OrderLine, len(f.Order))
	for _, l := range f.Order {
		if _, dup := order[l.LineNo]; !dup {
			order[l.LineNo] = l
		}
	}
	if bad = malformed(order, f.Lines); bad != nil {
		return nil, bad
	}
	verdicts = make([]Verdict, len(f.Lines))
	for i, l := range f.Lines {
		ordered := order[l.LineNo]
		problems := inspectLine(rules, f, lineField(i), l, ordered, f.Materials[ordered.MaterialID])
		v := Verdict{LineNo: l.LineNo, Accepted: len(problems) == 0, Problems: problems}
		if v.Accepted {
			v.Quantity = l.Quantity
		}
		verdicts[i] = v
	}
	return verdicts, nil
}

// Accepted counts the accepted lines of a delivery and the quantity they accept.
func Accepted(verdicts []Verdict) (lines int, quantity int64) {
	for _, v := range verdicts {
		if v.Accepted {
			lines++
			quantity += v.Quantity
		}
	}
	return lines, quantity
}

// malformed reports what is wrong with the form of a delivery, as opposed to the goods.
func malformed(order map[int]OrderLine, lines []DeliveryLine) []Problem {
	if len(lines) == 0 {
		return []Problem{{"lines", "lines_empty", nil}}
	}
	var bad []Problem
	seen := map[int]bool{}
	for i, l := range lines {
		field := lineField(i)
		switch _, known := order[l.LineNo]; {
		case !known:
			bad = append(bad, Problem{field("line_no"), "unknown_order_line", []any{l.LineNo}})
		case seen[l.LineNo]:
			bad = append(bad, Problem{field("line_no"), "line_twice", []any{l.LineNo}})
		}
		seen[l.LineNo] = true
		if l.Quantity <= 0 {
			bad = append(bad, Problem{field("quantity"), "quantity_positive", nil})
		}
		if l.NoteQuantity < 0 {
			bad = append(bad, Problem{field("note_quantity"), "negative", nil})
		}
	}
	return bad
}

// inspectLine lists every reason to refuse one delivered line; field names its fields.
func inspectLine(rules policy.Procurement, f InspectFacts, field func(string) string,
	l DeliveryLine, ordered OrderLine, m Material) []Problem {
	var problems []Problem
	add := func(name, key string, args ...any) {
		problems = append(problems, Problem{field(name), key, args})
	}
	if l.Quantity != l.NoteQuantity {
		add("quantity", "quantity_differs_note", l.Quantity, l.NoteQuantity)
	}
	if remaining := ordered.Remaining(); l.Quantity > remaining {
		add("quantity", "over_delivery", l.Quantity, max(remaining, 0))
	}
	if !sameText(l.Spec, ordered.Spec) {
		add("spec", "spec_differs", strings.TrimSpace(l.Spec), ordered.Spec)
	}
	if l.UnitPrice != ordered.UnitPrice {
		add("unit_price", "price_differs", l.UnitPrice.String(), ordered.UnitPrice.String())
	}
	if l.SupplierID != f.SupplierID {
		add("supplier_id", "supplier_differs", l.SupplierID, f.SupplierID)
	}
	switch {
	case strings.TrimSpace(l.Manufacturer) == "":
		add("manufacturer", "manufacturer_missing")
	case strings.TrimSpace(ordered.Manufacturer) != "" && !sameText(l.Manufacturer, ordered.Manufacturer):
		add("manufacturer", "manufacturer_differs", strings.TrimSpace(l.Manufacturer), ordered.Manufacturer)
	}
	if strings.TrimSpace(l.Batch) == "" {
		add("batch", "batch_missing")
	}
	switch {
	case l.Expiry == nil && m.ExpiryTracked:
		add("expiry", "expiry_missing")
	case l.Expiry != nil && l.Expiry.Before(f.Day.AddDate(0, 0, rules.ExpiryWindowDays)):
		add("expiry", "near_expiry", l.Expiry.Format(time.DateOnly), rules.ExpiryWindowDays)
	}
	return problems
}

// sameText compares what people typed, ignoring surrounding spaces and letter case.
func sameText(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

// lineField returns the path maker of the i-th delivery line's fields: "lines[0].quantity".
func lineField(i int) func(string) string {
	return func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
}
