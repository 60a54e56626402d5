package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/chain"
)

// Line is one line item of a claim.
type Line struct {
	No          int        `json:"no"`
	SpentOn     *time.Time `json:"spent_on,omitempty"`
	Description string     `json:"description"`
	Amount      int64      `json:"amount"`
	InvoiceNo   string     `json:"invoice_no"`
}

// Case is the read model of one case.
type Case struct {
	ID            string       `json:"id"`
	Kind          string       `json:"kind"`
	Title         string       `json:"title"`
	Purpose       string       `json:"purpose"`
	Category      string       `json:"category"`
	DepartmentID  string       `json:"department_id"`
	BudgetLineID  string       `json:"budget_line_id"`
	Amount        int64        `json:"amount"`
	Currency      string       `json:"currency"`
	SubmitterID   string       `json:"submitter_id"`
	PolicyVersion int          `json:"policy_version"`
	OverBudget    bool         `json:"over_budget"`
	Status        string       `json:"status"`
	CurrentStep   string       `json:"current_step"`
	CurrentLabel  string       `json:"current_label"`
	Assignees     []string     `json:"assignees"`
	Revision      int          `json:"revision"`
	Deadline      *time.Time   `json:"deadline"`
	Overdue       bool         `json:"overdue"`
	PaidReference *string      `json:"paid_reference"`
	PaidAt        *time.Time   `json:"paid_at"`
	SubmittedAt   time.Time    `json:"submitted_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	ClosedAt      *time.Time   `json:"closed_at"`
	ParentID      string       `json:"parent_id,omitempty"`  // the purchase request a receipt or payment belongs to
	Conditions    []string     `json:"conditions,omitempty"` // switch on chain steps with a matching "when"
	State         *chain.State `json:"-"`
}

// NewCase is a claim being submitted.
type NewCase struct {
	Prefix          string // business number prefix, e.g. EXP
	Year            int
	Kind            string
	Title           string
	Purpose         string
	Category        string
	DepartmentID    string
	BudgetLineID    string
	Amount          int64
	Currency        string
	SubmitterID     string
	PolicyVersion   int
	Lines           []Line
	AllowOverBudget bool     // the policy routes over-budget claims instead of refusing them
	IdempotencyKey  string   // optional
	RequestHash     string   // fingerprint of the request body, to catch a key reused for another claim
	Attachments     []string // IDs of the submitter's unlinked uploads to link to the case
	CC              []string // users copied (抄送), already checked to be active users
	// Purchase is the procurement part of a purchase request; PlanCheck then judges its items
	// against the plan under the plan's lock, and a refusal writes nothing.
	Purchase  *Purchase
	PlanCheck PlanCheck
	// NoReservation: the case spends from a reservation made by another (a receipt or the
	// payment of an order), so it reserves nothing itself.
	NoReservation bool
	ParentID      string   // the case this one belongs to (a receipt's purchase request)
	Conditions    []string // route conditions, e.g. "match_exception"
}

// CreateCase writes a new case with its lines, numbers it, reserves its amount on the budget
// line, links its attachments and copies it to its CC users, all in one transaction. With an
// idempotency key already used by this user for the same request it returns the existing case
// and created=false. When an attachment is not the submitter's own unlinked upload it fails
// with *AttachmentError and writes nothing (the case number is not used up); an unknown CC
// user fails with ErrNotFound.
func (s *Store) CreateCase(ctx context.Context, n NewCase) (c Case, created bool, err error) {
	var id string
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		id, created, err = createCase(ctx, tx, n)
		return err
	})
	if err != nil {
		return Case{}, false, fmt.Errorf("create case: %w", err)
	}
	c, err = s.Case(ctx, id)
	return c, created, err
}

// createCase is CreateCase inside a transaction of the caller's, which may write more with it
// (a delivery with its receipt).
func createCase(ctx context.Context, tx pgx.Tx, n NewCase) (id string, created bool, err error) {
	if n.IdempotencyKey != "" {
		existing, err := lockIdempotencyKey(ctx, tx, n.SubmitterID, n.IdempotencyKey, n.RequestHash)
		if err != nil || existing != "" {
			return existing, false, err
		}
	}
	if n.Purchase != nil {
		if err := checkPlan(ctx, tx, n.Purchase, "", n.PlanCheck); err != nil {
			return "", false, err
		}
	}
	const number = `INSERT INTO case_numbers (prefix, year, last) VALUES ($1, $2, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last`
	var seq int64
	if err := tx.QueryRow(ctx, number, n.Prefix, n.Year).Scan(&seq); err != nil {
		return "", false, fmt.Errorf("number: %w", err)
	}
	id = fmt.Sprintf("%s-%d-%06d", n.Prefix, n.Year, seq)
	over := false
	if !n.NoReservation {
		if over, err = reserve(ctx, tx, n.BudgetLineID, n.Amount, n.AllowOverBudget); err != nil {
			return "", false, err
		}
	}
	// The rest in one round trip: the case-number and budget-line rows stay locked until
	// commit, and every other submission waits for them.
	b := &pgx.Batch{}
	const insert = `INSERT INTO cases (id, kind, title, purpose, category, department_id, budget_line_id,
		amount, currency, submitter_id, policy_version, over_budget, status, parent_id, conditions)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'submitted', nullif($13, ''), $14)`
	conditions := n.Conditions
	if conditions == nil {
		conditions = []string{}
	}
	b.Queue(insert, id, n.Kind, n.Title, n.Purpose, n.Category, n.DepartmentID,
		n.BudgetLineID, n.Amount, n.Currency, n.SubmitterID, n.PolicyVersion, over, n.ParentID, conditions)
	queueLines(b, id, n.Lines)
	queueLinkAttachments(b, id, n.SubmitterID, n.Attachments)
	queueCopies(b, id, n.CC)
	if n.Purchase != nil {
		if err := queuePurchase(b, id, n.Purchase); err != nil {
			return "", false, err
		}
	}
	if !n.NoReservation {
		const res = `INSERT INTO budget_reservations (case_id, budget_line_id, amount, state) VALUES ($1, $2, $3, 'reserved')`
		b.Queue(res, id, n.BudgetLineID, n.Amount)
	}
	if n.IdempotencyKey != "" {
		const key = `INSERT INTO idempotency_keys (user_id, key, request_hash, case_id) VALUES ($1, $2, $3, $4)`
		b.Queue(key, n.SubmitterID, n.IdempotencyKey, n.RequestHash, id)
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return "", false, fmt.Errorf("insert case: %w", mapErr(err))
	}
	return id, true, nil
}

// queueCopies copies a case to users; copying it twice to one user is a no-op.
func queueCopies(b *pgx.Batch, caseID string, users []string) {
	users = distinct(users)
	if len(users) == 0 {
		return
	}
	const q = `INSERT INTO case_copies (user_id, case_id) SELECT u, $2 FROM unnest($1::text[]) AS u
		ON CONFLICT DO NOTHING`
	b.Queue(q, users, caseID)
}

// lockIdempotencyKey serialises requests carrying the same key and returns the case an earlier
// request made with it, if any.
func lockIdempotencyKey(ctx context.Context, tx pgx.Tx, user, key, hash string) (string, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, user, key); err != nil {
		return "", fmt.Errorf("lock idempotency key: %w", err)
	}
	var caseID, have string
	const q = `SELECT case_id, request_hash FROM idempotency_keys WHERE user_id = $1 AND key = $2`
	switch err := tx.QueryRow(ctx, q, user, key).Scan(&caseID, &have); {
	case errors.Is(err, pgx.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("idempotency key: %w", err)
	case have != hash:
		return "", ErrIdempotencyMismatch
	}
	return caseID, nil
}

// reserve takes amount from the budget line's remaining balance. Two claims racing for the last
// of a balance serialise on the line's row: at most one gets it. When the balance is short and
// allowOver is set, the amount is reserved anyway and over=true routes the case to the
// over-budget step.
func reserve(ctx context.Context, tx pgx.Tx, lineID string, amount int64, allowOver bool) (over bool, err error) {
	const take = `UPDATE budget_lines SET reserved = reserved + $2
		WHERE id = $1 AND total - reserved - consumed >= $2`
	tag, err := tx.Exec(ctx, take, lineID, amount)
	if err != nil {
		return false, fmt.Errorf("reserve: %w", err)
	}
	if tag.RowsAffected() == 1 {
		return false, nil
	}
	var remaining int64
	const bal = `SELECT total - reserved - consumed FROM budget_lines WHERE id = $1 FOR UPDATE`
	if err := tx.QueryRow(ctx, bal, lineID).Scan(&remaining); err != nil {
		return false, fmt.Errorf("budget line %s: %w", lineID, notFound(err))
	}
	if !allowOver {
		return false, &OverBudgetError{BudgetLine: lineID, Requested: amount, Remaining: remaining}
	}
	if _, err := tx.Exec(ctx, `UPDATE budget_lines SET reserved = reserved + $2 WHERE id = $1`, lineID, amount); err != nil {
		return false, fmt.Errorf("reserve over budget: %w", err)
	}
	return true, nil
}

// queueLines replaces a case's line items.
func queueLines(b *pgx.Batch, caseID string, lines []Line) {
	b.Queue(`DELETE FROM case_lines WHERE case_id = $1`, caseID)
	const q = `INSERT INTO case_lines (case_id, line_no, spent_on, description, amount, invoice_no)
		VALUES ($1, $2, $3, $4, $5, $6)`
	for i, l := range lines {
		b.Queue(q, caseID, i+1, l.SpentOn, l.Description, l.Amount, l.InvoiceNo)
	}
}

const caseColumns = `id, kind, title, purpose, category, department_id, budget_line_id, amount, currency,
	submitter_id, policy_version, over_budget, status, current_step, current_label, assignees, revision,
	deadline, overdue, paid_reference, paid_at, submitted_at, updated_at, closed_at, coalesce(parent_id, ''), conditions`

// scanCase reads caseColumns, then the state column when withState is set, then the extra
// columns of the query into extra.
func scanCase(row pgx.Row, withState bool, extra ...any) (Case, error) {
	var c Case
	dest := []any{&c.ID, &c.Kind, &c.Title, &c.Purpose, &c.Category, &c.DepartmentID, &c.BudgetLineID,
		&c.Amount, &c.Currency, &c.SubmitterID, &c.PolicyVersion, &c.OverBudget, &c.Status, &c.CurrentStep,
		&c.CurrentLabel, &c.Assignees, &c.Revision, &c.Deadline, &c.Overdue, &c.PaidReference, &c.PaidAt,
		&c.SubmittedAt, &c.UpdatedAt, &c.ClosedAt, &c.ParentID, &c.Conditions}
	var state []byte
	if withState {
		dest = append(dest, &state)
	}
	dest = append(dest, extra...)
	if err := row.Scan(dest...); err != nil {
		return Case{}, err
	}
	if len(state) > 0 {
		c.State = new(chain.State)
		if err := json.Unmarshal(state, c.State); err != nil {
			return Case{}, fmt.Errorf("decode state: %w", err)
		}
	}
	return c, nil
}

// Case returns one case with its chain state.
func (s *Store) Case(ctx context.Context, id string) (Case, error) {
	q := `SELECT ` + caseColumns + `, state FROM cases WHERE id = $1`
	c, err := scanCase(s.pool.QueryRow(ctx, q, id), true)
	if err != nil {
		return Case{}, fmt.Errorf("case %s: %w", id, notFound(err))
	}
	return c, nil
}

// Lines returns a case's line items in order.
func (s *Store) Lines(ctx context.Context, caseID string) ([]Line, error) {
	q := `SELECT ` + lineColumns + ` FROM case_lines WHERE case_id = $1 ORDER BY line_no`
	rows, err := s.pool.Query(ctx, q, caseID)
	if err != nil {
		return nil, fmt.Errorf("lines %s: %w", caseID, err)
	}
	lines, err := pgx.CollectRows(rows, scanLine)
	if err != nil {
		return nil, fmt.Errorf("lines %s: %w", caseID, err)
	}
	return lines, nil
}

const lineColumns = `line_no, spent_on, description, amount, invoice_no`

func scanLine(r pgx.CollectableRow) (Line, error) {
	var l Line
	err := r.Scan(&l.No, &l.SpentOn, &l.Description, &l.Amount, &l.InvoiceNo)
	return l, err
}

const sealColumns = `seq, step_key, role, actor_id, on_behalf_of, decision, comment, target, at, policy_version`

func scanSeal(r pgx.CollectableRow) (SealRow, error) {
	var x SealRow
	err := r.Scan(&x.Seq, &x.StepKey, &x.Role, &x.Actor, &x.OnBehalfOf, &x.Decision, &x.Comment,
		&x.Target, &x.At, &x.PolicyVersion)
	return x, err
}

// SealRow is a ledger entry as stored.
type SealRow struct {
	chain.Seal
	PolicyVersion int `json:"policy_version"`
}

// Seals returns a case's ledger in order.
func (s *Store) Seals(ctx context.Context, caseID string) ([]SealRow, error) {
	q := `SELECT ` + sealColumns + ` FROM seals WHERE case_id = $1 ORDER BY seq`
	rows, err := s.pool.Query(ctx, q, caseID)
	if err != nil {
		return nil, fmt.Errorf("seals %s: %w", caseID, err)
	}
	seals, err := pgx.CollectRows(rows, scanSeal)
	if err != nil {
		return nil, fmt.Errorf("seals %s: %w", caseID, err)
	}
	return seals, nil
}

// StaleSubmissions returns cases still waiting for their workflow to route them (status
// "submitted") that were submitted before the given time: the gateway wrote them but did not
// get to start their workflow. Receipts and payments are left out: their order's workflow starts
// them as its children, deterministically, after writing them.
func (s *Store) StaleSubmissions(ctx context.Context, before time.Time, limit int) ([]Case, error) {
	q := `SELECT ` + caseColumns + ` FROM cases WHERE status = 'submitted' AND submitted_at < $1
		AND parent_id IS NULL
		ORDER BY submitted_at LIMIT $2`
	rows, err := s.pool.Query(ctx, q, before, limit)
	if err != nil {
		return nil, fmt.Errorf("stale submissions: %w", err)
	}
	cases, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Case, error) { return scanCase(r, false) })
	if err != nil {
		return nil, fmt.Errorf("stale submissions: %w", err)
	}
	return cases, nil
}
