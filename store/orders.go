package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/procure"
)

// Order is a purchase order as stored: its row and its workflow's last snapshot.
type Order struct {
	ID         string             `json:"id"`
	CaseID     string             `json:"case_id"`
	SupplierID string             `json:"supplier_id"`
	Status     string             `json:"status"`
	Amount     int64              `json:"amount"`
	IssuedAt   time.Time          `json:"issued_at"`
	UpdatedAt  time.Time          `json:"updated_at"`
	ClosedAt   *time.Time         `json:"closed_at"`
	State      procure.OrderState `json:"state"`
}

// IssueOrder issues the purchase order of an approved purchase request, numbered PO-<year>-…,
// its lines the request's items. Issuing it again returns the order already issued.
func (s *Store) IssueOrder(ctx context.Context, caseID string, year int, at time.Time) (Order, error) {
	p, err := s.Purchase(ctx, caseID)
	if err != nil {
		return Order{}, fmt.Errorf("issue order: %w", err)
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT id FROM cases WHERE id = $1 FOR UPDATE`, caseID); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM purchase_orders WHERE case_id = $1)`, caseID).Scan(&exists); err != nil || exists {
			return err
		}
		var seq int64
		const number = `INSERT INTO case_numbers (prefix, year, last) VALUES ('PO', $1, 1)
			ON CONFLICT (prefix, year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last`
		if err := tx.QueryRow(ctx, number, year).Scan(&seq); err != nil {
			return fmt.Errorf("number: %w", err)
		}
		st := procure.OrderState{OrderID: fmt.Sprintf("PO-%d-%06d", year, seq), CaseID: caseID,
			SupplierID: p.SupplierID, Status: procure.OrderOrdered}
		for i, it := range p.Items {
			st.Lines = append(st.Lines, procure.OrderLine{LineNo: i + 1, MaterialID: it.MaterialID, Spec: it.Spec,
				Unit: it.Unit, Quantity: it.Quantity, UnitPrice: it.UnitPrice, Manufacturer: it.Manufacturer})
		}
		state, err := json.Marshal(st)
		if err != nil {
			return err
		}
		const q = `INSERT INTO purchase_orders (id, case_id, supplier_id, status, amount, state, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`
		_, err = tx.Exec(ctx, q, st.OrderID, caseID, p.SupplierID, st.Status, int64(st.Total()), state, at)
		return mapErr(err)
	})
	if err != nil {
		return Order{}, fmt.Errorf("issue order for %s: %w", caseID, err)
	}
	return s.OrderOfCase(ctx, caseID)
}

const orderColumns = `id, case_id, supplier_id, status, amount, issued_at, updated_at, closed_at, state`

func scanOrder(row pgx.Row) (Order, error) {
	var o Order
	var state []byte
	if err := row.Scan(&o.ID, &o.CaseID, &o.SupplierID, &o.Status, &o.Amount, &o.IssuedAt, &o.UpdatedAt,
		&o.ClosedAt, &state); err != nil {
		return Order{}, notFound(err)
	}
	if err := json.Unmarshal(state, &o.State); err != nil {
		return Order{}, fmt.Errorf("decode order state: %w", err)
	}
	return o, nil
}

// Order reads a purchase order.
func (s *Store) Order(ctx context.Context, id string) (Order, error) {
	o, err := scanOrder(s.pool.QueryRow(ctx, `SELECT `+orderColumns+` FROM purchase_orders WHERE id = $1`, id))
	if err != nil {
		return Order{}, fmt.Errorf("order %s: %w", id, err)
	}
	return o, nil
}

// OrderOfCase reads the purchase order of a purchase request.
func (s *Store) OrderOfCase(ctx context.Context, caseID string) (Order, error) {
	o, err := scanOrder(s.pool.QueryRow(ctx, `SELECT `+orderColumns+` FROM purchase_orders WHERE case_id = $1`, caseID))
	if err != nil {
		return Order{}, fmt.Errorf("order of %s: %w", caseID, err)
	}
	return o, nil
}

// RecordOrder writes an order's snapshot; an older snapshot than the stored one is ignored, so
// a retried write never moves the order back.
func (s *Store) RecordOrder(ctx context.Context, st procure.OrderState) error {
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("record order %s: %w", st.OrderID, err)
	}
	const q = `UPDATE purchase_orders SET status = $2, state = $3, seq = $4, updated_at = now(),
		closed_at = CASE WHEN $2 = 'paid' THEN coalesce(closed_at, now()) END
		WHERE id = $1 AND seq <= $4`
	if _, err := s.pool.Exec(ctx, q, st.OrderID, st.Status, state, st.Seq); err != nil {
		return fmt.Errorf("record order %s: %w", st.OrderID, err)
	}
	return nil
}

// NewDelivery is a delivery as the keeper registered it. Receipt is the case its accepted lines
// form (nil when every line was refused).
type NewDelivery struct {
	ID          string // <order>-D<n>: registering it again returns what the first time wrote
	OrderID     string
	DeliveredOn time.Time
	NoteNo      string
	InvoiceNo   string
	Lines       []procure.InspectedLine
	Actor       string
	Receipt     *NewCase
}

// Delivery is a registered delivery.
type Delivery struct {
	ID           string                  `json:"id"`
	OrderID      string                  `json:"order_id"`
	ReceiptID    string                  `json:"receipt_id"`
	DeliveredOn  time.Time               `json:"delivered_on"`
	NoteNo       string                  `json:"note_no"`
	InvoiceNo    string                  `json:"invoice_no"`
	Lines        []procure.InspectedLine `json:"lines"`
	RegisteredBy string                  `json:"registered_by"`
	RegisteredAt time.Time               `json:"registered_at"`
	Outcome      string                  `json:"outcome"` // "", accepted, refused
}

// RegisterDelivery writes a delivery, the receipt case of its accepted lines and a return task
// for each refused line, in one transaction, and returns the receipt's ID ("" when none).
// Registering the same delivery ID again writes nothing and returns the first receipt.
func (s *Store) RegisterDelivery(ctx context.Context, d NewDelivery) (receiptID string, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT id FROM purchase_orders WHERE id = $1 FOR UPDATE`, d.OrderID); err != nil {
			return err
		}
		var existing *string
		switch err := tx.QueryRow(ctx, `SELECT receipt_id FROM deliveries WHERE id = $1`, d.ID).Scan(&existing); {
		case err == nil:
			if existing != nil {
				receiptID = *existing
			}
			return nil
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if d.Receipt != nil {
			var err error
			if receiptID, _, err = createCase(ctx, tx, *d.Receipt); err != nil {
				return err
			}
		}
		lines, err := json.Marshal(d.Lines)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		const ins = `INSERT INTO deliveries (id, order_id, receipt_id, delivered_on, note_no, invoice_no, lines, registered_by)
			VALUES ($1, $2, nullif($3, ''), $4, $5, $6, $7, $8)`
		b.Queue(ins, d.ID, d.OrderID, receiptID, d.DeliveredOn, d.NoteNo, d.InvoiceNo, lines, d.Actor)
		for _, l := range d.Lines {
			if !l.Verdict.Accepted {
				queueReturnTask(b, d.OrderID, d.ID, l.LineNo, l.Quantity, l.Verdict.Problems)
			}
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return "", fmt.Errorf("register delivery %s: %w", d.ID, mapErr(err))
	}
	return receiptID, nil
}

func queueReturnTask(b *pgx.Batch, orderID, deliveryID string, lineNo int, quantity int64, reasons []procure.Problem) {
	if quantity <= 0 {
		return
	}
	if reasons == nil {
		reasons = []procure.Problem{}
	}
	r, _ := json.Marshal(reasons) // keys and plain values always marshal
	const q = `INSERT INTO return_tasks (order_id, delivery_id, line_no, quantity, reasons)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (delivery_id, line_no) DO NOTHING`
	b.Queue(q, orderID, deliveryID, lineNo, quantity, r)
}

// SettleDelivery records how a delivery's receipt ended. Sealed by the keeper and the
// accountant, its accepted quantities go into stock; refused, each of its accepted lines
// becomes a return task as well. Settling it again changes nothing.
func (s *Store) SettleDelivery(ctx context.Context, deliveryID string, sealed bool, reason procure.Problem) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var orderID string
		var raw []byte
		const claim = `UPDATE deliveries SET outcome = $2 WHERE id = $1 AND outcome = '' RETURNING order_id, lines`
		outcome := "refused"
		if sealed {
			outcome = "accepted"
		}
		switch err := tx.QueryRow(ctx, claim, deliveryID, outcome).Scan(&orderID, &raw); {
		case errors.Is(err, pgx.ErrNoRows):
			return nil
		case err != nil:
			return err
		}
		var lines []procure.InspectedLine
		if err := json.Unmarshal(raw, &lines); err != nil {
			return err
		}
		var o Order
		o, err := scanOrder(tx.QueryRow(ctx, `SELECT `+orderColumns+` FROM purchase_orders WHERE id = $1`, orderID))
		if err != nil {
			return err
		}
		material := map[int]string{}
		for _, l := range o.State.Lines {
			material[l.LineNo] = l.MaterialID
		}
		b := &pgx.Batch{}
		for _, l := range lines {
			switch {
			case !l.Verdict.Accepted:
			case sealed:
				const stock = `INSERT INTO stock (material_id, on_hand) VALUES ($1, $2)
					ON CONFLICT (material_id) DO UPDATE SET on_hand = stock.on_hand + excluded.on_hand, updated_at = now()`
				b.Queue(stock, material[l.LineNo], l.Verdict.Quantity)
			default:
				queueReturnTask(b, orderID, deliveryID, l.LineNo, l.Verdict.Quantity, []procure.Problem{reason})
			}
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("settle delivery %s: %w", deliveryID, mapErr(err))
	}
	return nil
}

// Deliveries lists an order's deliveries, oldest first.
func (s *Store) Deliveries(ctx context.Context, orderID string) ([]Delivery, error) {
	const q = `SELECT id, order_id, coalesce(receipt_id, ''), delivered_on, note_no, invoice_no, lines,
		registered_by, registered_at, outcome FROM deliveries WHERE order_id = $1 ORDER BY registered_at, id`
	rows, err := s.pool.Query(ctx, q, orderID)
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", orderID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delivery, error) {
		var d Delivery
		var raw []byte
		if err := r.Scan(&d.ID, &d.OrderID, &d.ReceiptID, &d.DeliveredOn, &d.NoteNo, &d.InvoiceNo, &raw,
			&d.RegisteredBy, &d.RegisteredAt, &d.Outcome); err != nil {
			return Delivery{}, err
		}
		return d, json.Unmarshal(raw, &d.Lines)
	})
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", orderID, err)
	}
	return out, nil
}

// ReturnTask is refused goods to return to or exchange with the supplier (退换货).
type ReturnTask struct {
	ID         int64             `json:"id"`
	OrderID    string            `json:"order_id"`
	DeliveryID string            `json:"delivery_id"`
	LineNo     int               `json:"line_no"`
	Quantity   int64             `json:"quantity"`
	Reasons    []procure.Problem `json:"reasons"`
	Status     string            `json:"status"` // open, done
	Resolution string            `json:"resolution"`
	ResolvedBy string            `json:"resolved_by"`
	CreatedAt  time.Time         `json:"created_at"`
	ResolvedAt *time.Time        `json:"resolved_at"`
}

// ReturnTasks lists an order's return tasks, oldest first.
func (s *Store) ReturnTasks(ctx context.Context, orderID string) ([]ReturnTask, error) {
	const q = `SELECT id, order_id, delivery_id, line_no, quantity, reasons, status, resolution,
		coalesce(resolved_by, ''), created_at, resolved_at FROM return_tasks WHERE order_id = $1 ORDER BY id`
	rows, err := s.pool.Query(ctx, q, orderID)
	if err != nil {
		return nil, fmt.Errorf("return tasks of %s: %w", orderID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReturnTask, error) {
		var t ReturnTask
		var raw []byte
		if err := r.Scan(&t.ID, &t.OrderID, &t.DeliveryID, &t.LineNo, &t.Quantity, &raw, &t.Status,
			&t.Resolution, &t.ResolvedBy, &t.CreatedAt, &t.ResolvedAt); err != nil {
			return ReturnTask{}, err
		}
		return t, json.Unmarshal(raw, &t.Reasons)
	})
	if err != nil {
		return nil, fmt.Errorf("return tasks of %s: %w", orderID, err)
	}
	return out, nil
}

// ResolveReturnTask closes an open return task with how it was settled with the supplier
// (returned, exchanged). A task already closed is a conflict.
func (s *Store) ResolveReturnTask(ctx context.Context, id int64, actor, resolution string) (ReturnTask, error) {
	const q = `UPDATE return_tasks SET status = 'done', resolution = $3, resolved_by = $2, resolved_at = now()
		WHERE id = $1 AND status = 'open' RETURNING order_id`
	var orderID string
	switch err := s.pool.QueryRow(ctx, q, id, actor, resolution).Scan(&orderID); {
	case errors.Is(err, pgx.ErrNoRows):
		var exists bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM return_tasks WHERE id = $1)`, id).Scan(&exists); err != nil {
			return ReturnTask{}, fmt.Errorf("resolve return task %d: %w", id, err)
		}
		if !exists {
			return ReturnTask{}, fmt.Errorf("return task %d: %w", id, ErrNotFound)
		}
		return ReturnTask{}, fmt.Errorf("return task %d is already done: %w", id, ErrConflict)
	case err != nil:
		return ReturnTask{}, fmt.Errorf("resolve return task %d: %w", id, mapErr(err))
	}
	tasks, err := s.ReturnTasks(ctx, orderID)
	if err != nil {
		return ReturnTask{}, err
	}
	for _, t := range tasks {
		if t.ID == id {
			return t, nil
		}
	}
	return ReturnTask{}, fmt.Errorf("return task %d: %w", id, ErrNotFound)
}

// RecordInvoice writes the supplier's invoice for an order; writing the same invoice again
// replaces its lines.
func (s *Store) RecordInvoice(ctx context.Context, orderID, invoiceNo string, on time.Time, lines []procure.InvoiceLine, actor string) error {
	raw, err := json.Marshal(lines)
	if err != nil {
		return fmt.Errorf("record invoice: %w", err)
	}
	var total int64
	for _, l := range lines {
		total += int64(l.Amount)
	}
	const q = `INSERT INTO order_invoices (order_id, invoice_no, invoiced_on, lines, total, registered_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (order_id, invoice_no) DO UPDATE SET invoiced_on = excluded.invoiced_on,
			lines = excluded.lines, total = excluded.total, registered_by = excluded.registered_by, registered_at = now()`
	if _, err := s.pool.Exec(ctx, q, orderID, invoiceNo, on, raw, total, actor); err != nil {
		return fmt.Errorf("record invoice %s of %s: %w", invoiceNo, orderID, mapErr(err))
	}
	return nil
}

// OpenSettlement writes the payment case of an order once, keyed by the order and the attempt:
// a retry returns the case the first call wrote.
func (s *Store) OpenSettlement(ctx context.Context, n NewCase) (string, error) {
	var id string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		id, _, err = createCase(ctx, tx, n)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("open settlement: %w", err)
	}
	return id, nil
}

// ConsumePurchase turns a purchase request's reservation into spending of the amount paid: the
// reserved amount leaves the line's reservations and the paid amount is consumed. Doing it again
// changes nothing.
func (s *Store) ConsumePurchase(ctx context.Context, caseID string, paid int64) error {
	const q = `WITH r AS (UPDATE budget_reservations SET state = 'consumed', updated_at = now()
			WHERE case_id = $1 AND state = 'reserved' RETURNING budget_line_id, amount)
		UPDATE budget_lines b SET reserved = b.reserved - r.amount, consumed = b.consumed + $2
		FROM r WHERE b.id = r.budget_line_id`
	if _, err := s.pool.Exec(ctx, q, caseID, paid); err != nil {
		return fmt.Errorf("consume purchase %s: %w", caseID, err)
	}
	return nil
}

// DeliveryOfReceipt reads the delivery a receipt case was made from.
func (s *Store) DeliveryOfReceipt(ctx context.Context, receiptID string) (Delivery, error) {
	var orderID string
	if err := s.pool.QueryRow(ctx, `SELECT order_id FROM deliveries WHERE receipt_id = $1`, receiptID).Scan(&orderID); err != nil {
		return Delivery{}, fmt.Errorf("delivery of %s: %w", receiptID, notFound(err))
	}
	all, err := s.Deliveries(ctx, orderID)
	if err != nil {
		return Delivery{}, err
	}
	for _, d := range all {
		if d.ReceiptID == receiptID {
			return d, nil
		}
	}
	return Delivery{}, fmt.Errorf("delivery of %s: %w", receiptID, ErrNotFound)
}

// OrderSummary is one line of an order list.
type OrderSummary struct {
	ID         string    `json:"id"`
	CaseID     string    `json:"case_id"`
	Title      string    `json:"title"`
	SupplierID string    `json:"supplier_id"`
	Status     string    `json:"status"`
	Amount     int64     `json:"amount"`
	IssuedAt   time.Time `json:"issued_at"`
	OpenTasks  int       `json:"open_return_tasks"`
}

// Orders lists purchase orders, newest first, optionally of one status ("" for all), at most
// limit.
func (s *Store) Orders(ctx context.Context, status string, limit int) ([]OrderSummary, error) {
	const q = `SELECT o.id, o.case_id, c.title, o.supplier_id, o.status, o.amount, o.issued_at,
			(SELECT count(*) FROM return_tasks t WHERE t.order_id = o.id AND t.status = 'open')::int
		FROM purchase_orders o JOIN cases c ON c.id = o.case_id
		WHERE $1 = '' OR o.status = $1 ORDER BY o.issued_at DESC, o.id DESC LIMIT $2`
	rows, err := s.pool.Query(ctx, q, status, limit)
	if err != nil {
		return nil, fmt.Errorf("orders: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OrderSummary, error) {
		var o OrderSummary
		err := r.Scan(&o.ID, &o.CaseID, &o.Title, &o.SupplierID, &o.Status, &o.Amount, &o.IssuedAt, &o.OpenTasks)
		return o, err
	})
	if err != nil {
		return nil, fmt.Errorf("orders: %w", err)
	}
	return out, nil
}

// TimelineEntry is one seal of a purchase's family of cases: the request, its receipts and its
// payments.
type TimelineEntry struct {
	CaseID string `json:"case_id"`
	Kind   string `json:"kind"`
	SealRow
}

// PurchaseTimeline reads every seal of a purchase request and of the cases that belong to it,
// in time order: the whole procurement as it happened.
func (s *Store) PurchaseTimeline(ctx context.Context, caseID string) ([]TimelineEntry, error) {
	q := `SELECT c.id, c.kind, ` + prefixed("s.", sealColumns) + ` FROM seals s JOIN cases c ON c.id = s.case_id
		WHERE c.id = $1 OR c.parent_id = $1 ORDER BY s.at, c.id, s.seq`
	rows, err := s.pool.Query(ctx, q, caseID)
	if err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", caseID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (TimelineEntry, error) {
		var e TimelineEntry
		x := &e.SealRow
		err := r.Scan(&e.CaseID, &e.Kind, &x.Seq, &x.StepKey, &x.Role, &x.Actor, &x.OnBehalfOf, &x.Decision,
			&x.Comment, &x.Target, &x.At, &x.PolicyVersion)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("timeline of %s: %w", caseID, err)
	}
	return out, nil
}

// prefixed qualifies a comma-separated column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
