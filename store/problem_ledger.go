package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"signoff/ledger"
)

// problemFacts reads a problem's facts as its seals attest them (ledger.ProblemFacts), its own
// count of seals (problems.seq) and the hash of its seal numbered prevSeq (empty when there is
// none or it is from before the ledger), in one round trip. lock takes the problem's row for
// the transaction, so that two writers of the same problem link one after the other.
func problemFacts(ctx context.Context, q batcher, id string, prevSeq int, sha attachmentDigest, lock bool) (ledger.ProblemFacts, int, string, error) {
	facts := `SELECT id, title, description, model, batch, bom_node, line, severity, raised_by, raised_at,
		coalesce(meeting_id, ''), policy_version, seq FROM problems WHERE id = $1`
	if lock {
		facts += ` FOR UPDATE`
	}
	b := &pgx.Batch{}
	b.Queue(facts, id)
	b.Queue(`SELECT id, filename, encode(`+string(sha)+`, 'hex') FROM attachments
		WHERE problem_id = $1 ORDER BY id`, id)
	b.Queue(`SELECT coalesce(hash, '') FROM problem_seals WHERE problem_id = $1 AND seq = $2`, id, prevSeq)
	res := q.SendBatch(ctx, b)
	defer res.Close()

	var p ledger.ProblemFacts
	var last int
	if err := res.QueryRow().Scan(&p.ProblemID, &p.Title, &p.Description, &p.Model, &p.Batch, &p.BOMNode,
		&p.Line, &p.Severity, &p.RaisedBy, &p.RaisedAt, &p.MeetingID, &p.PolicyVersion, &last); err != nil {
		return p, 0, "", fmt.Errorf("problem facts %s: %w", id, notFound(err))
	}
	rows, _ := res.Query()
	atts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.Attachment, error) {
		var a ledger.Attachment
		return a, r.Scan(&a.ID, &a.Filename, &a.SHA256)
	})
	if err != nil {
		return p, 0, "", fmt.Errorf("problem attachments %s: %w", id, err)
	}
	p.Attachments = atts
	var prev string
	if err := res.QueryRow().Scan(&prev); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return p, 0, "", fmt.Errorf("problem previous seal %s: %w", id, err)
	}
	return p, last, prev, nil
}

// linkProblemSeals turns a transition's seals into ledger rows linked after the problem's
// seal before them, attesting its facts as stored in q.
func linkProblemSeals(ctx context.Context, q batcher, id string, seals []ProblemSeal) ([]ledger.ProblemSeal, error) {
	if len(seals) == 0 {
		return nil, nil
	}
	facts, _, prev, err := problemFacts(ctx, q, id, seals[0].Seq-1, storedDigest, true)
	if err != nil {
		return nil, err
	}
	rows := make([]ledger.ProblemSeal, len(seals))
	for i, x := range seals {
		rows[i] = ledger.ProblemSeal{ProblemID: id, Seq: x.Seq, Decision: x.Decision, Actor: x.Actor,
			Comment: x.Comment, Target: x.Target, At: x.At}
	}
	return ledger.LinkProblem(prev, facts.Digest(), rows), nil
}

// VerifyProblem reads a problem's seals and facts as they are stored now and verifies them
// (ledger.VerifyProblem), the attachments' SHA-256 recomputed from their bytes. ErrNotFound
// when there is no such problem.
func (s *Store) VerifyProblem(ctx context.Context, id string) (ledger.Report, error) {
	facts, last, _, err := problemFacts(ctx, s.pool, id, 0, recomputedDigest, false)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify %s: %w", id, err)
	}
	const q = `SELECT seq, decision, actor_id, comment, target, at, coalesce(facts_digest, ''),
		coalesce(prev_hash, ''), coalesce(hash, '') FROM problem_seals WHERE problem_id = $1 ORDER BY seq`
	rows, err := s.pool.Query(ctx, q, id)
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify %s: seals: %w", id, err)
	}
	seals, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.ProblemSeal, error) {
		x := ledger.ProblemSeal{ProblemID: id}
		err := r.Scan(&x.Seq, &x.Decision, &x.Actor, &x.Comment, &x.Target, &x.At, &x.FactsDigest,
			&x.PrevHash, &x.Hash)
		return x, err
	})
	if err != nil {
		return ledger.Report{}, fmt.Errorf("verify %s: seals: %w", id, err)
	}
	return ledger.VerifyProblem(id, last, seals, facts), nil
}

// VerifyProblems verifies every problem, in ID order, handing each report to fn; fn's error
// stops the walk and is returned.
func (s *Store) VerifyProblems(ctx context.Context, fn func(ledger.Report) error) error {
	after := ""
	for {
		rows, err := s.pool.Query(ctx, `SELECT id FROM problems WHERE id > $1 ORDER BY id LIMIT 500`, after)
		if err != nil {
			return fmt.Errorf("verify problems: %w", err)
		}
		ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("verify problems: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		for _, id := range ids {
			r, err := s.VerifyProblem(ctx, id)
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
