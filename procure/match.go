package procure

import (
	"fmt"

	"signoff/policy"
)

// MatchFacts is everything Match needs, loaded by the caller.
type MatchFacts struct {
	Order   []OrderLine   // Accepted = everything received and sealed on the order
	Invoice []InvoiceLine // the supplier's invoice, by order line
}

// LineMatch is how one order line compares with what was received and invoiced against it.
type LineMatch struct {
	LineNo            int          `json:"line_no"`
	Ordered           int64        `json:"ordered"`
	Received          int64        `json:"received"`
	Invoiced          int64        `json:"invoiced"`
	QuantityTolerance int64        `json:"quantity_tolerance"`
	OrderedValue      policy.Money `json:"ordered_value"`  // Ordered × unit price
	ReceivedValue     policy.Money `json:"received_value"` // Received × unit price
	InvoicedAmount    policy.Money `json:"invoiced_amount"`
	Matched           bool         `json:"matched"`
	Problems          []Problem    `json:"problems,omitempty"`
}

// MatchResult is the three-way match of an order: its lines, its totals and whatever differs
// beyond tolerance.
type MatchResult struct {
	Matched         bool         `json:"matched"`
	OrderTotal      policy.Money `json:"order_total"`
	ReceivedTotal   policy.Money `json:"received_total"`
	InvoiceTotal    policy.Money `json:"invoice_total"`
	AmountTolerance policy.Money `json:"amount_tolerance"`
	Lines           []LineMatch  `json:"lines"`
	Problems        []Problem    `json:"problems,omitempty"` // whole-order differences
}

// Match is the three-way match (三单匹配): per order line, what was received must agree with
// what was ordered and what is invoiced with what was received, within the quantity tolerance;
// the invoice's total must agree with the value received within the amount tolerance. An
// invoice line naming no order line is a problem of the whole order; an order line the
// invoice leaves out is invoiced 0; an order line invoiced on several lines is invoiced their
// sum. Exactly at a tolerance matches.
func Match(t policy.Tolerance, f MatchFacts) MatchResult {
	known := make(map[int]bool, len(f.Order))
	for _, l := range f.Order {
		known[l.LineNo] = true
	}
	var r MatchResult
	quantity := map[int]int64{}
	amount := map[int]policy.Money{}
	for j, inv := range f.Invoice {
		r.InvoiceTotal += inv.Amount
		if !known[inv.LineNo] {
			r.Problems = append(r.Problems, Problem{fmt.Sprintf("invoice[%d].line_no", j), "invoice_unknown_line", []any{inv.LineNo}})
			continue
		}
		quantity[inv.LineNo] += inv.Quantity
		amount[inv.LineNo] += inv.Amount
	}
	r.Lines = make([]LineMatch, len(f.Order))
	matched := true
	for i, l := range f.Order {
		lm := matchLine(t, i, l, quantity[l.LineNo], amount[l.LineNo])
		r.OrderTotal += lm.OrderedValue
		r.ReceivedTotal += lm.ReceivedValue
		matched = matched && lm.Matched
		r.Lines[i] = lm
	}
	r.AmountTolerance = t.AmountFor(r.OrderTotal)
	if abs(r.InvoiceTotal-r.ReceivedTotal) > r.AmountTolerance {
		r.Problems = append(r.Problems, Problem{"invoice_total", "invoice_amount_differs",
			[]any{r.InvoiceTotal.String(), r.ReceivedTotal.String(), r.AmountTolerance.String()}})
	}
	r.Matched = matched && len(r.Problems) == 0
	return r
}

// matchLine compares the i-th order line with what was received and invoiced against it.
func matchLine(t policy.Tolerance, i int, l OrderLine, invoiced int64, amount policy.Money) LineMatch {
	lm := LineMatch{
		LineNo:            l.LineNo,
		Ordered:           l.Quantity,
		Received:          l.Accepted,
		Invoiced:          invoiced,
		QuantityTolerance: t.QuantityFor(l.Quantity),
		OrderedValue:      policy.Money(l.Quantity * int64(l.UnitPrice)),
		ReceivedValue:     policy.Money(l.Accepted * int64(l.UnitPrice)),
		InvoicedAmount:    amount,
	}
	if abs(lm.Received-lm.Ordered) > lm.QuantityTolerance {
		lm.Problems = append(lm.Problems, Problem{fmt.Sprintf("lines[%d].received", i), "received_differs_order",
			[]any{lm.Received, lm.Ordered, lm.QuantityTolerance}})
	}
	if abs(lm.Invoiced-lm.Received) > lm.QuantityTolerance {
		lm.Problems = append(lm.Problems, Problem{fmt.Sprintf("lines[%d].invoiced", i), "invoiced_differs_received",
			[]any{lm.Invoiced, lm.Received, lm.QuantityTolerance}})
	}
	lm.Matched = len(lm.Problems) == 0
	return lm
}

// abs is the distance of a difference from zero.
func abs[N ~int64](n N) N {
	if n < 0 {
		return -n
	}
	return n
}
