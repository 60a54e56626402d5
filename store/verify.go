package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"signoff/ledger"
)

// VerifyCase reads a case's seals and content as they are stored now and verifies them
// (ledger.Verify): every hash and link recomputed, the attachments' SHA-256 recomputed from
// their bytes. ErrNotFound when there is no such case.
func (s *Store) VerifyCase(ctx context.Context, id string) (ledger.Report, error) {
	content, _, err := ledgerContent(ctx, s.pool, id, 0, recomputedDigest)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify %s: %w", id, err)
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT seq FROM cases WHERE id = $1`, id)
	b.Queue(`SELECT seq, step_key, role, actor_id, on_behalf_of, decision, target, comment,
		policy_version, at, coalesce(content_digest, ''), coalesce(prev_hash, ''), coalesce(hash, '')
		FROM seals WHERE case_id = $1 ORDER BY seq`, id)
	res := s.pool.SendBatch(ctx, b)
	defer res.Close()
	var last int
	if err := res.QueryRow().Scan(&last); err != nil {
		return ledger.Report{}, fmt.Errorf("verify %s: %w", id, notFound(err))
	}
	rows, _ := res.Query()
	seals, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.Seal, error) {
		x := ledger.Seal{CaseID: id}
		err := r.Scan(&x.Seq, &x.StepKey, &x.Role, &x.Actor, &x.OnBehalfOf, &x.Decision, &x.Target,
			&x.Comment, &x.PolicyVersion, &x.At, &x.ContentDigest, &x.PrevHash, &x.Hash)
		return x, err
	})
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify %s: seals: %w", id, err)
	}
	return ledger.Verify(id, last, seals, content), nil
}

// VerifyLedger verifies every case, in ID order, handing each report to fn; fn's error stops
// the walk and is returned.
func (s *Store) VerifyLedger(ctx context.Context, fn func(ledger.Report) error) error {
	after := ""
	for {
		rows, err := s.pool.Query(ctx, `SELECT id FROM cases WHERE id > $1 ORDER BY id LIMIT 500`, after)
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
		for _, id := range ids {
			r, err := s.VerifyCase(ctx, id)
			if err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		after = ids[len(ids)-1]
	}
}
