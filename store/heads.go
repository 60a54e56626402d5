package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/ledger"
)

// HeadGrace is how long after a UTC day ends its head may be written: a seal's written_at is
// its transaction's start, so one begun just before midnight may commit just after; the grace
// lets it land before its day is headed.
const HeadGrace = time.Hour

// headLock is the advisory lock key that makes writers of daily heads take turns.
const headLock = 0x5349474e_48454144 // "SIGNHEAD"

// SealDailyHeads writes the daily head (ledger.HeadOf) of every day not headed yet, in order,
// from the day after the last head (or the first day a hashed seal was written) through the
// given UTC day, but never a day that ended less than HeadGrace ago by the database's clock.
// It returns the heads it wrote. Idempotent: a headed day is never written again, and two
// writers take turns on an advisory lock.
func (s *Store) SealDailyHeads(ctx context.Context, through time.Time) ([]ledger.DayHead, error) {
	var written []ledger.DayHead
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(headLock)); err != nil {
			return err
		}
		var closed time.Time // the last day over for at least the grace
		const q = `SELECT ((now() - make_interval(secs => $1)) AT TIME ZONE 'UTC')::date - 1`
		if err := tx.QueryRow(ctx, q, HeadGrace.Seconds()).Scan(&closed); err != nil {
			return err
		}
		last := utcDay(through)
		if last.After(closed) {
			last = closed
		}
		prev, next, err := nextHeadDay(ctx, tx)
		if err != nil || next.IsZero() {
			return err
		}
		for day := next; !day.After(last); day = day.AddDate(0, 0, 1) {
			d := day.Format(ledger.DayLayout)
			seals, err := daySeals(ctx, tx, d)
			if err != nil {
				return err
			}
			h := ledger.HeadOf(prev, d, seals)
			const ins = `INSERT INTO ledger_heads (day, prev_hash, seals, hash) VALUES ($1, $2, $3, $4)`
			if _, err := tx.Exec(ctx, ins, day, h.PrevHash, h.Seals, h.Hash); err != nil {
				return err
			}
			written = append(written, h)
			prev = h.Hash
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seal daily heads through %s: %w", utcDay(through).Format(ledger.DayLayout), err)
	}
	return written, nil
}

// nextHeadDay is the last head's hash and the first day without a head: the day after the
// last head, or the first day a hashed seal was written; zero when there is nothing to head.
func nextHeadDay(ctx context.Context, q pgx.Tx) (string, time.Time, error) {
	var last time.Time
	var prev string
	err := q.QueryRow(ctx, `SELECT day, hash FROM ledger_heads ORDER BY day DESC LIMIT 1`).Scan(&last, &prev)
	switch {
	case err == nil:
		return prev, last.AddDate(0, 0, 1), nil
	case !errors.Is(err, pgx.ErrNoRows):
		return "", time.Time{}, err
	}
	const first = `SELECT (min(w) AT TIME ZONE 'UTC')::date FROM (
		SELECT min(written_at) AS w FROM seals WHERE hash IS NOT NULL
		UNION ALL SELECT min(written_at) FROM problem_seals WHERE hash IS NOT NULL) f`
	var day *time.Time
	if err := q.QueryRow(ctx, first).Scan(&day); err != nil || day == nil {
		return "", time.Time{}, err
	}
	return "", *day, nil
}

// daySeals reads the hashed seals of cases and problems written on a UTC day.
func daySeals(ctx context.Context, q querier, day string) ([]ledger.DaySeal, error) {
	const sq = `SELECT $2::text, case_id, seq, hash FROM seals
			WHERE hash IS NOT NULL AND written_at >= ($1::date AT TIME ZONE 'UTC') AND written_at < (($1::date + 1) AT TIME ZONE 'UTC')
		UNION ALL
		SELECT $3::text, problem_id, seq, hash FROM problem_seals
			WHERE hash IS NOT NULL AND written_at >= ($1::date AT TIME ZONE 'UTC') AND written_at < (($1::date + 1) AT TIME ZONE 'UTC')
		ORDER BY 1, 2, 3`
	rows, err := q.Query(ctx, sq, day, ledger.LedgerCases, ledger.LedgerProblems)
	if err != nil {
		return nil, fmt.Errorf("seals of %s: %w", day, err)
	}
	seals, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.DaySeal, error) {
		var x ledger.DaySeal
		return x, r.Scan(&x.Ledger, &x.ID, &x.Seq, &x.Hash)
	})
	if err != nil {
		return nil, fmt.Errorf("seals of %s: %w", day, err)
	}
	return seals, nil
}

// VerifyHeads verifies every daily head against the seals as stored now (ledger.VerifyHeads).
func (s *Store) VerifyHeads(ctx context.Context) (ledger.HeadReport, error) {
	rows, err := s.pool.Query(ctx, `SELECT to_char(day, 'YYYY-MM-DD'), prev_hash, seals, hash FROM ledger_heads ORDER BY day`)
	if err != nil {
		return ledger.HeadReport{}, fmt.Errorf("verify heads: %w", err)
	}
	heads, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ledger.DayHead, error) {
		var h ledger.DayHead
		return h, r.Scan(&h.Day, &h.PrevHash, &h.Seals, &h.Hash)
	})
	if err != nil {
		return ledger.HeadReport{}, fmt.Errorf("verify heads: %w", err)
	}
	r, err := ledger.VerifyHeads(heads, func(day string) ([]ledger.DaySeal, error) { return daySeals(ctx, s.pool, day) })
	if err != nil {
		return ledger.HeadReport{}, fmt.Errorf("verify heads: %w", err)
	}
	return r, nil
}

// utcDay is the UTC calendar day of t, at midnight.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
