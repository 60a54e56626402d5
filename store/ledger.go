package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"signoff/chain"
	"signoff/ledger"
)

// batcher is a pool or a transaction: what the ledger's reads and writes are sent through.
type batcher interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// attachmentDigest says which SHA-256 of an attachment the content takes: the one stored with
// the upload (when a seal is written) or the one PostgreSQL recomputes from the bytes kept (when
// the ledger is verified, so that swapped bytes show even if their recorded digest was kept).
type attachmentDigest string

const (
	storedDigest     attachmentDigest = "sha256"
	recomputedDigest attachmentDigest = "sha256(content)"
)

// ledgerContent reads a case's content as its seals attest it (ledger.Content) and the hash of
// the seal numbered prevSeq (empty when there is none or it is from before the ledger), in one
// round trip.
func ledgerContent(ctx context.Context, q batcher, caseID string, prevSeq int, sha attachmentDigest) (ledger.Content, string, error) {
	b := &pgx.Batch{}
	ids := []string{caseID}
	queueContents(b, ids, sha)
	b.Queue(`SELECT coalesce(hash, '') FROM seals WHERE case_id = $1 AND seq = $2`, caseID, prevSeq)
	res := q.SendBatch(ctx, b)
	defer res.Close()
	contents, err := readContents(res, ids)
	if err != nil {
		return ledger.Content{}, "", err
	}
	c, ok := contents[caseID]
	if !ok {
		return ledger.Content{}, "", fmt.Errorf("ledger content %s: %w", caseID, ErrNotFound)
	}
	var prev string
	if err := res.QueryRow().Scan(&prev); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return *c, "", fmt.Errorf("ledger previous seal %s: %w", caseID, err)
	}
	return *c, prev, nil
}

// queueContents queues the reads of the contents of the cases ids (readContents reads them
// back): the one home of the SQL that says what a seal attests.
func queueContents(b *pgx.Batch, ids []string, sha attachmentDigest) {
	b.Queue(`SELECT id, kind, title, purpose, category, department_id, budget_line_id, amount, currency
		FROM cases WHERE id = ANY($1)`, ids)
	b.Queue(`SELECT case_id, line_no, coalesce(to_char(spent_on, 'YYYY-MM-DD'), ''), description, amount, invoice_no
		FROM case_lines WHERE case_id = ANY($1) ORDER BY case_id, line_no`, ids)
	b.Queue(`SELECT case_id, id, filename, encode(`+string(sha)+`, 'hex') FROM attachments
		WHERE case_id = ANY($1) ORDER BY case_id, id`, ids)
	b.Queue(`SELECT case_id, supplier_id, plan_id, to_char(delivery_date, 'YYYY-MM-DD'), contract_no,
		contract_terms::text, coalesce(contract_attachment_id, '') FROM purchase_requests WHERE case_id = ANY($1)`, ids)
	b.Queue(`SELECT case_id, line_no, material_id, spec, quantity, unit, unit_price, manufacturer
		FROM purchase_items WHERE case_id = ANY($1) ORDER BY case_id, line_no`, ids)
}

// readContents reads what queueContents queued: the content of each of the cases ids found.
// Rows of a case not read first cannot be (the foreign keys) and are ignored.
func readContents(res pgx.BatchResults, ids []string) (map[string]*ledger.Content, error) {
	out := make(map[string]*ledger.Content, len(ids))
	read := func(what string, scan func(pgx.Rows) error) error {
		rows, _ := res.Query()
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("ledger %s: %w", what, err)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("ledger %s: %w", what, err)
		}
		return nil
	}
	var id, terms string
	err := read("cases", func(r pgx.Rows) error {
		c := &ledger.Content{}
		err := r.Scan(&c.CaseID, &c.Kind, &c.Title, &c.Purpose, &c.Category, &c.DepartmentID, &c.BudgetLineID, &c.Amount, &c.Currency)
		out[c.CaseID] = c
		return err
	})
	if err == nil {
		err = read("lines", func(r pgx.Rows) error {
			var l ledger.Line
			if err := r.Scan(&id, &l.No, &l.SpentOn, &l.Description, &l.Amount, &l.InvoiceNo); err != nil {
				return err
			}
			if c := out[id]; c != nil {
				c.Lines = append(c.Lines, l)
			}
			return nil
		})
	}
	if err == nil {
		err = read("attachments", func(r pgx.Rows) error {
			var a ledger.Attachment
			if err := r.Scan(&id, &a.ID, &a.Filename, &a.SHA256); err != nil {
				return err
			}
			if c := out[id]; c != nil {
				c.Attachments = append(c.Attachments, a)
			}
			return nil
		})
	}
	if err == nil {
		err = read("purchases", func(r pgx.Rows) error {
			p := &ledger.Purchase{}
			if err := r.Scan(&id, &p.SupplierID, &p.PlanID, &p.DeliveryDate, &p.ContractNo, &terms, &p.ContractAttachmentID); err != nil {
				return err
			}
			var err error
			if p.ContractTerms, err = ledger.CanonicalJSON([]byte(terms)); err != nil {
				return err
			}
			if c := out[id]; c != nil {
				c.Purchase = p
			}
			return nil
		})
	}
	if err == nil {
		err = read("items", func(r pgx.Rows) error {
			var it ledger.Item
			if err := r.Scan(&id, &it.No, &it.MaterialID, &it.Spec, &it.Quantity, &it.Unit, &it.UnitPrice, &it.Manufacturer); err != nil {
				return err
			}
			if c := out[id]; c != nil && c.Purchase != nil {
				c.Purchase.Items = append(c.Purchase.Items, it)
			}
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// linked is an outcome's seals as ledger rows and the content they attest.
type linked struct {
	seals   []ledger.Seal
	content ledger.Content
}

// linkSeals turns an outcome's seals into ledger rows: each attests the case's content as it is
// in q (after an edit applied in the same transaction) and links to the seal before it.
func linkSeals(ctx context.Context, q batcher, caseID string, policyVersion int, seals []chain.Seal) (linked, error) {
	if len(seals) == 0 {
		return linked{}, nil
	}
	content, prev, err := ledgerContent(ctx, q, caseID, seals[0].Seq-1, storedDigest)
	if err != nil {
		return linked{}, err
	}
	rows := make([]ledger.Seal, len(seals))
	for i, x := range seals {
		rows[i] = ledger.Seal{CaseID: caseID, Seq: x.Seq, StepKey: x.StepKey, Role: string(x.Role),
			Actor: x.Actor, OnBehalfOf: x.OnBehalfOf, Decision: string(x.Decision), Comment: x.Comment,
			Target: x.Target, PolicyVersion: policyVersion, At: x.At}
	}
	return linked{seals: ledger.Link(prev, content.Digest(), rows), content: content}, nil
}

// queueSeals writes ledger rows and keeps the content they attest; a repeat of the same
// (case, seq), or of a content already kept, is a no-op.
func queueSeals(b *pgx.Batch, l linked) {
	if len(l.seals) == 0 {
		return
	}
	const content = `INSERT INTO seal_contents (digest, canonical) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING`
	b.Queue(content, l.content.Digest(), l.content.Canonical())
	const q = `INSERT INTO seals (case_id, seq, step_key, role, actor_id, on_behalf_of, decision,
		comment, target, policy_version, at, content_digest, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (case_id, seq) DO NOTHING`
	for _, x := range l.seals {
		b.Queue(q, x.CaseID, x.Seq, x.StepKey, x.Role, x.Actor, x.OnBehalfOf, x.Decision, x.Comment,
			x.Target, x.PolicyVersion, x.At, x.ContentDigest, x.PrevHash, x.Hash)
	}
}

// Attestations are what a resubmission's edit is judged against (policy.Seals.Reopened): the
// case's content once the edit is applied, and each signed step's latest approval with the
// content it attests where the ledger keeps it. The edit is applied in a transaction that is
// rolled back, by the same code the resubmission's record runs, so the content is the one the
// resubmission's seal will attest. An edit that cannot be applied (over budget, an upload gone)
// gives no attestations: the resubmission's record refuses it. Seals from before the ledger
// attest no digest and are left out.
type Attestations struct {
	Content ledger.Content
	Signed  []ledger.Attested
}

// EditAttestations are the attestations a stored, pending edit of a case is judged against.
func (s *Store) EditAttestations(ctx context.Context, caseID, editID string) (Attestations, error) {
	return s.attestations(ctx, caseID, func(tx pgx.Tx) (string, error) { return editID, nil })
}

// DraftAttestations are the attestations an edit not stored yet would be judged against: what a
// correction form previews before it is sent. Nothing is written.
func (s *Store) DraftAttestations(ctx context.Context, caseID string, e Edit) (Attestations, error) {
	return s.attestations(ctx, caseID, func(tx pgx.Tx) (string, error) { return saveEdit(ctx, tx, caseID, e) })
}

func (s *Store) attestations(ctx context.Context, caseID string, edit func(pgx.Tx) (string, error)) (Attestations, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return Attestations{}, fmt.Errorf("attestations %s: %w", caseID, err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	editID, err := edit(tx)
	if err != nil {
		return Attestations{}, fmt.Errorf("attestations %s: %w", caseID, err)
	}
	var over *OverBudgetError
	var attach *AttachmentError
	switch err := applyEdit(ctx, tx, caseID, editID); {
	case errors.As(err, &over), errors.As(err, &attach):
		return Attestations{}, nil
	case err != nil:
		return Attestations{}, fmt.Errorf("attestations %s: %w", caseID, err)
	}
	content, _, err := ledgerContent(ctx, tx, caseID, 0, storedDigest)
	if err != nil {
		return Attestations{}, fmt.Errorf("attestations %s: %w", caseID, err)
	}
	const q = `SELECT latest.step_key, latest.role, latest.content_digest, c.canonical FROM (
			SELECT DISTINCT ON (step_key) step_key, role, content_digest FROM seals
			WHERE case_id = $1 AND step_key <> '' AND decision = $2 AND content_digest IS NOT NULL
			ORDER BY step_key, seq DESC) latest
		LEFT JOIN seal_contents c ON c.digest = latest.content_digest
		ORDER BY latest.step_key`
	rows, err := tx.Query(ctx, q, caseID, string(chain.DecApproved))
	if err != nil {
		return Attestations{}, fmt.Errorf("attestations %s: %w", caseID, err)
	}
	signed, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.Attested, error) {
		var a ledger.Attested
		var canonical []byte
		if err := r.Scan(&a.StepKey, &a.Role, &a.Digest, &canonical); err != nil {
			return a, err
		}
		if canonical != nil {
			c, err := ledger.ParseContent(canonical)
			if err != nil {
				return a, fmt.Errorf("content %s: %w", a.Digest, err)
			}
			a.Content = &c
		}
		return a, nil
	})
	if err != nil {
		return Attestations{}, fmt.Errorf("attestations %s: %w", caseID, err)
	}
	return Attestations{Content: content, Signed: signed}, nil
}

// SealContent is the content a seal's digest names, as the ledger keeps it; ErrNotFound for a
// digest from before contents were kept.
func (s *Store) SealContent(ctx context.Context, digest string) (ledger.Content, error) {
	var canonical []byte
	if err := s.pool.QueryRow(ctx, `SELECT canonical FROM seal_contents WHERE digest = $1`, digest).Scan(&canonical); err != nil {
		return ledger.Content{}, fmt.Errorf("seal content %s: %w", digest, notFound(err))
	}
	c, err := ledger.ParseContent(canonical)
	if err != nil {
		return ledger.Content{}, fmt.Errorf("seal content %s: %w", digest, err)
	}
	return c, nil
}

// LatestSealHash is the hash of a case's latest seal in the ledger's chain: "" when the case has
// no chained seal (nothing sealed yet, or only seals from before the ledger).
func (s *Store) LatestSealHash(ctx context.Context, caseID string) (string, error) {
	const q = `SELECT coalesce(hash, '') FROM seals WHERE case_id = $1 ORDER BY seq DESC LIMIT 1`
	var h string
	err := s.pool.QueryRow(ctx, q, caseID).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("latest seal hash %s: %w", caseID, err)
	}
	return h, nil
}
