package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"signoff/ledger"
)

// verifyPage is how many cases the whole-ledger walk reads in one round trip.
const verifyPage = 500

// VerifyCase reads a case's seals and content as they are stored now and verifies them
// (ledger.Verify): every hash and link recomputed, the attachments' SHA-256 recomputed from
// their bytes. ErrNotFound when there is no such case.
func (s *Store) VerifyCase(ctx context.Context, id string) (ledger.Report, error) {
	reports, err := s.verifyCases(ctx, []string{id})
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify %s: %w", id, err)
	}
	if len(reports) == 0 {
		return ledger.Report{}, fmt.Errorf("verify %s: %w", id, ErrNotFound)
	}
	return reports[0], nil
}

// VerifyLedger verifies every case, in ID order, handing each report to fn; fn's error stops
// the walk and is returned. It reads verifyPage cases at a time, each page in one round trip.
func (s *Store) VerifyLedger(ctx context.Context, fn func(ledger.Report) error) error {
	after := ""
	for {
		rows, err := s.pool.Query(ctx, `SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT $2`, after, verifyPage)
		if err != nil {
			return fmt.Errorf("verify ledger: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("verify ledger: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		reports, err := s.verifyCases(ctx, ids)
		if err != nil {
			return fmt.Errorf("verify ledger: %w", err)
		}
		for _, r := range reports {
			if err := fn(r); err != nil {
				return err
			}
		}
		after = ids[len(ids)-1]
	}
}

// verifyCases verifies the cases ids (in ID order) from one round trip: their contents as the
// seals attest them (queueContents, attachments hashed from their bytes), their own count of
// seals and their seals. A case that does not exist has no report.
func (s *Store) verifyCases(ctx context.Context, ids []string) ([]ledger.Report, error) {
	b := &pgx.Batch{}
	queueContents(b, ids, recomputedDigest)
	b.Queue(`SELECT id, seq FROM cases WHERE id = ANY($1) ORDER BY id`, ids)
	b.Queue(`SELECT case_id, seq, step_key, role, actor_id, on_behalf_of, decision, target, comment,
		policy_version, at, coalesce(content_digest, ''), coalesce(prev_hash, ''), coalesce(hash, '')
		FROM seals WHERE case_id = ANY($1) ORDER BY case_id, seq`, ids)
	res := s.pool.SendBatch(ctx, b)
	defer res.Close()
	contents, err := readContents(res, ids)
	if err != nil {
		return nil, err
	}
	rows, _ := res.Query()
	type counted struct {
		id  string
		seq int
	}
	cases, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (counted, error) {
		var c counted
		return c, r.Scan(&c.id, &c.seq)
	})
	if err != nil {
		return nil, fmt.Errorf("seal counts: %w", err)
	}
	rows, _ = res.Query()
	seals := make(map[string][]ledger.Seal, len(ids))
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var x ledger.Seal
		err := r.Scan(&x.CaseID, &x.Seq, &x.StepKey, &x.Role, &x.Actor, &x.OnBehalfOf, &x.Decision, &x.Target,
			&x.Comment, &x.PolicyVersion, &x.At, &x.ContentDigest, &x.PrevHash, &x.Hash)
		seals[x.CaseID] = append(seals[x.CaseID], x)
		return struct{}{}, err
	})
	if err != nil {
		return nil, fmt.Errorf("seals: %w", err)
	}
	out := make([]ledger.Report, 0, len(cases))
	for _, c := range cases {
		content, ok := contents[c.id]
		if !ok { // cases are never deleted: a statement of the batch cannot miss one the others saw
			return nil, fmt.Errorf("case %s: content not read", c.id)
		}
		out = append(out, ledger.Verify(c.id, c.seq, seals[c.id], *content))
	}
	return out, nil
}
