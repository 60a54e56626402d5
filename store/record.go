package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/chain"
)

// Notification is one message in the outbox. Key makes writing and sending it idempotent.
type Notification struct {
	Key       string `json:"key"`
	CaseID    string `json:"case_id"`
	Kind      string `json:"kind"`
	Recipient string `json:"recipient"`
	Channel   string `json:"channel"` // email, webhook
	Subject   string `json:"subject"`
	Body      string `json:"body"`
}

// Record is what one accepted action or workflow event writes.
type Record struct {
	State         *chain.State   `json:"state"`
	Outcome       chain.Outcome  `json:"outcome"`
	Notifications []Notification `json:"notifications,omitempty"`
}

// RecordOutcome writes the seals of an outcome, the done inbox of the people who decided, the
// case's new snapshot, its budget movement, an applied edit and its notifications, in one
// transaction. It is idempotent: seals are keyed by (case, seq), the done inbox by (user, case)
// keeping the latest decision time, the snapshot only moves forward, budget movements are state
// transitions of the reservation, and notifications are keyed.
func (s *Store) RecordOutcome(ctx context.Context, r Record) error {
	st := r.State
	write := func(q batcher) error {
		// The seals are linked to the content as q holds it: after an edit applied in the same
		// transaction, so a resubmission's seal attests the edited case.
		seals, err := linkSeals(ctx, q, st.CaseID, st.PolicyVersion, r.Outcome.Seals)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		queueSeals(b, seals)
		queueDone(b, st.CaseID, r.Outcome.Seals)
		if err := queueBudget(b, st.CaseID, r.Outcome.Budget); err != nil {
			return err
		}
		if err := queueSnapshot(b, st, r.Outcome.Payment); err != nil {
			return err
		}
		// The in-app inbox is delivered by being written; other channels wait for Deliver.
		const note = `INSERT INTO notifications (key, case_id, kind, recipient_id, channel, subject, body, sent_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $5 = 'inbox' THEN now() END) ON CONFLICT (key) DO NOTHING`
		for _, n := range r.Notifications {
			b.Queue(note, n.Key, n.CaseID, n.Kind, n.Recipient, n.Channel, n.Subject, n.Body)
		}
		return q.SendBatch(ctx, b).Close()
	}

	var err error
	if r.Outcome.EditID == "" {
		// Two round trips: the ledger's read (content and previous hash), then the writes in one
		// batch, which without transaction statements runs as one implicit transaction, all or
		// nothing. The content can change only through an edit, which this workflow applies, so
		// reading it before the batch is safe. This runs inside a workflow task, before the
		// action is acknowledged, so its latency is the user's.
		err = write(s.pool)
	} else {
		// An edit reads and checks the budget first, so it needs a transaction of its own.
		err = s.inTx(ctx, func(tx pgx.Tx) error {
			if err := applyEdit(ctx, tx, st.CaseID, r.Outcome.EditID); err != nil {
				return err
			}
			return write(tx)
		})
	}
	if err != nil {
		return fmt.Errorf("record %s: %w", st.CaseID, mapErr(err))
	}
	return nil
}

// doneDecisions are the decisions that put a case in its decider's done inbox (已办).
var doneDecisions = []chain.Decision{chain.DecApproved, chain.DecRejected, chain.DecReturned,
	chain.DecTransferred, chain.DecSignerAdded, chain.DecPaid}

// queueDone puts the case in the done inbox of each person who decided on it in these seals,
// at the time of their latest decision. The workflow's own entries and the payment connector's
// are not a person's.
func queueDone(b *pgx.Batch, caseID string, seals []chain.Seal) {
	const q = `INSERT INTO case_done (user_id, case_id, acted_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, case_id) DO UPDATE SET acted_at = greatest(case_done.acted_at, excluded.acted_at)`
	for _, x := range seals {
		if x.Actor == "" || x.Actor == chain.SystemActor || x.Actor == chain.ConnectorActor ||
			!slices.Contains(doneDecisions, x.Decision) {
			continue
		}
		b.Queue(q, x.Actor, caseID, x.At)
	}
}

func queueSnapshot(b *pgx.Batch, st *chain.State, pay *chain.Payment) error {
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	var step, label string
	if cur := st.CurrentStep(); cur != nil {
		step, label = cur.Key, cur.Label
	}
	holders := st.Holders()
	if holders == nil {
		holders = []string{}
	}
	var deadline *time.Time
	if d := st.Deadline(); !d.IsZero() {
		deadline = &d
	}
	var ref *string
	var paidAt *time.Time
	if pay != nil {
		ref, paidAt = &pay.Reference, &pay.PaidAt
	}
	const q = `UPDATE cases SET status = $2, current_step = $3, current_label = $4, assignees = $5,
		participants = $6, revision = $7, seq = $8, deadline = $9, overdue = $10, state = $11,
		paid_reference = coalesce($12, paid_reference), paid_at = coalesce($13, paid_at),
		closed_at = CASE WHEN $14 THEN coalesce(closed_at, now()) END, updated_at = now()
		WHERE id = $1 AND seq <= $8`
	b.Queue(q, st.CaseID, string(st.Status), step, label, holders, st.Participants,
		st.Revision, st.Seq, deadline, st.Overdue, state, ref, paidAt, st.Status.Closed())
	return nil
}

// queueBudget releases or consumes the case's reservation; a repeat finds it already moved.
func queueBudget(b *pgx.Batch, caseID string, op chain.BudgetOp) error {
	var q string
	switch op {
	case chain.BudgetNone:
		return nil
	case chain.BudgetRelease:
		q = `WITH r AS (UPDATE budget_reservations SET state = 'released', updated_at = now()
				WHERE case_id = $1 AND state = 'reserved' RETURNING budget_line_id, amount)
			UPDATE budget_lines b SET reserved = b.reserved - r.amount FROM r WHERE b.id = r.budget_line_id`
	case chain.BudgetConsume:
		q = `WITH r AS (UPDATE budget_reservations SET state = 'consumed', updated_at = now()
				WHERE case_id = $1 AND state = 'reserved' RETURNING budget_line_id, amount)
			UPDATE budget_lines b SET reserved = b.reserved - r.amount, consumed = b.consumed + r.amount
			FROM r WHERE b.id = r.budget_line_id`
	default:
		return fmt.Errorf("unknown budget op %q", op)
	}
	b.Queue(q, caseID)
	return nil
}
