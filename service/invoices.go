package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"signoff/chain"
	"signoff/i18n"
	"signoff/policy"
	"signoff/procure"
	"signoff/store"
	"signoff/workflows"
)

// The supplier's invoice for an order (发票) and the payment it leads to. With everything
// received and sealed, the order's workflow matches order ↔ receipts ↔ invoice (procure.Match,
// within the policy's tolerance) and opens the payment. Who may register the invoice is the
// policy's capability orders.invoice; whether it fits the order is procure's
// (OrderState.InvoiceProblems, Invoiceable).

// InvoiceInput is the supplier's invoice for an order as typed.
type InvoiceInput struct {
	InvoiceNo  string             `json:"invoice_no"`
	InvoicedOn string             `json:"invoiced_on"` // YYYY-MM-DD
	Lines      []InvoiceLineInput `json:"lines"`
}

// InvoiceLineInput is one line of the invoice: what it bills of an order line.
type InvoiceLineInput struct {
	LineNo   int        `json:"line_no"`
	Quantity AmountText `json:"quantity"` // may be 0: the line is not billed
	Amount   AmountText `json:"amount"`
}

// RegisterInvoice registers the supplier's invoice on an order for u and returns the order as
// it then stands. key, if any, makes a retry the same registration.
func (s *Service) RegisterInvoice(ctx context.Context, u store.User, orderID string, in InvoiceInput, key string) (store.Order, error) {
	g, err := s.GrantsToday(ctx, u)
	if err != nil {
		return store.Order{}, err
	}
	if err := g.Require(policy.CapOrdersInvoice); err != nil {
		return store.Order{}, err
	}
	o, err := s.orderSeenWith(ctx, u, g, orderID)
	if err != nil {
		return store.Order{}, fmt.Errorf("invoice %s: %w", orderID, err)
	}
	req, bad := checkInvoice(in, u.ID)
	if err := bad.Err(); err != nil {
		return store.Order{}, err
	}
	if problems := o.State.InvoiceProblems(req.Lines); len(problems) > 0 {
		return store.Order{}, problemsErr(problems, "")
	}
	if !o.State.Invoiceable() {
		return store.Order{}, &Error{Kind: KindConflict, Code: string(chain.CodeNotAllowedNow),
			Message: fmt.Sprintf("Order %s is %s: its invoice can no longer change.", o.ID, o.State.Status)}
	}
	var st procure.OrderState
	if err := s.orderUpdate(ctx, o.ID, workflows.UpdateInvoice, req, u.ID, key, &st); err != nil {
		return store.Order{}, fmt.Errorf("invoice %s: %w", o.ID, err)
	}
	return s.store.Order(ctx, o.ID)
}

// checkInvoice checks the form of an invoice and builds the order workflow's request, actor
// registering it. Every problem is reported at once.
func checkInvoice(in InvoiceInput, actor string) (workflows.InvoiceRequest, FieldErrors) {
	bad := FieldErrors{}
	req := workflows.InvoiceRequest{Actor: actor, InvoiceNo: strings.TrimSpace(in.InvoiceNo)}
	checkPlain(bad, "invoice_no", req.InvoiceNo)
	switch n := utf8.RuneCountInString(req.InvoiceNo); {
	case n == 0:
		bad.Add("invoice_no", "required")
	case n > maxInvoiceNo:
		bad.Add("invoice_no", "too_long", maxInvoiceNo)
	}
	switch d, err := time.Parse(time.DateOnly, strings.TrimSpace(in.InvoicedOn)); {
	case strings.TrimSpace(in.InvoicedOn) == "":
		bad.Add("invoiced_on", "required")
	case err != nil:
		bad.Add("invoiced_on", "date")
	default:
		req.InvoicedOn = d
	}
	for i, l := range in.Lines {
		field := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
		il := procure.InvoiceLine{LineNo: l.LineNo}
		var p Problem
		if !l.Quantity.isZero() {
			if il.Quantity, p = ParseQuantity(l.Quantity); p.Key != "" {
				bad.Add(field("quantity"), p.Key, p.Args...)
			}
		}
		if il.Amount, p = ParseAmount(l.Amount); p.Key != "" {
			bad.Add(field("amount"), p.Key, p.Args...)
		}
		req.Lines = append(req.Lines, il)
	}
	return req, bad
}

// invoiceFields are the fields an invoice's check reads, its lines' as those of the first.
var invoiceFields = []string{"invoice_no", "invoiced_on", "lines[0].quantity", "lines[0].amount"}

// InvoiceDemands are the fields of an invoice its check demands: what the invoice form marks
// required.
var InvoiceDemands = sync.OnceValue(func() Demands {
	return demandsOf(invoiceFields, func(field string) FieldErrors {
		in := InvoiceInput{InvoiceNo: "FP-1", InvoicedOn: "2026-01-02",
			Lines: []InvoiceLineInput{{LineNo: 1, Quantity: TypedAmount("1"), Amount: TypedAmount("1.00")}}}
		switch field {
		case "invoice_no":
			in.InvoiceNo = ""
		case "invoiced_on":
			in.InvoicedOn = ""
		case "lines[0].quantity":
			in.Lines[0].Quantity = AmountText{}
		case "lines[0].amount":
			in.Lines[0].Amount = AmountText{}
		default:
			panic("InvoiceDemands: unknown field " + field)
		}
		_, bad := checkInvoice(in, "example.actor")
		return bad
	})
})

// SettlementSection is a payment's (PAY-…) order and its three-way match, as the payment's case
// page shows it.
type SettlementSection struct {
	OrderID  string
	Match    *procure.MatchResult
	Problems []string
}

// SettlementSectionOf reads the order a payment case pays and its match, said in lang; nil when
// the case is no payment of an order.
func (s *Service) SettlementSectionOf(ctx context.Context, c store.Case, lang i18n.Lang) (*SettlementSection, error) {
	if policy.Kind(c.Kind) != policy.KindSettlement || c.ParentID == "" {
		return nil, nil
	}
	o, err := s.store.OrderOfCase(ctx, c.ParentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	sec := &SettlementSection{OrderID: o.ID, Match: o.State.Match}
	if m := o.State.Match; m != nil {
		for _, p := range m.Problems {
			sec.Problems = append(sec.Problems, storedProblem(p).In(lang))
		}
		for _, lm := range m.Lines {
			for _, p := range lm.Problems {
				sec.Problems = append(sec.Problems, i18n.T(lang, "ui.purchase.item_n", lm.LineNo)+" "+storedProblem(p).In(lang))
			}
		}
	}
	return sec, nil
}
