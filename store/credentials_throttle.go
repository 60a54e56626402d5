package store

import (
	"context"
	"fmt"
	"time"
)

// Sign-in throttling (sign_in_throttle, migration 00017): a fixed-window failure counter per key,
// in PostgreSQL so that every gateway counts the same failures. No maintained Go limiter keeps
// its counters in PostgreSQL (ulule/limiter and sethvargo/go-limiter store in memory or Redis),
// so the counter is one upsert: atomic under concurrent gateways because ON CONFLICT locks the
// key's row.

// Throttle is one key's rule: at most Limit failures within Window, then locked for Lockout.
type Throttle struct {
	Key     string // "user:<name>" or "addr:<address>"
	Limit   int
	Window  time.Duration
	Lockout time.Duration
}

// SignInLockedUntil returns the latest time any of keys is locked until, if one is locked at at
// (zero time when none is).
func (s *Store) SignInLockedUntil(ctx context.Context, keys []string, at time.Time) (time.Time, error) {
	var until *time.Time
	const q = `SELECT max(locked_until) FROM sign_in_throttle WHERE key = ANY($1) AND locked_until > $2`
	if err := s.pool.QueryRow(ctx, q, keys, at).Scan(&until); err != nil {
		return time.Time{}, fmt.Errorf("sign-in lock: %w", err)
	}
	if until == nil {
		return time.Time{}, nil
	}
	return *until, nil
}

// RecordSignInFailure counts a failure at at against t.Key: a window older than t.Window starts
// afresh at this failure; the failure that reaches t.Limit locks the key until at+t.Lockout. It
// returns the time the key is locked until, when it is locked after this failure (zero otherwise).
func (s *Store) RecordSignInFailure(ctx context.Context, t Throttle, at time.Time) (time.Time, error) {
	const q = `INSERT INTO sign_in_throttle AS t (key, window_start, failures, locked_until)
		VALUES ($1, $2, 1, CASE WHEN 1 >= $4 THEN $5::timestamptz END)
		ON CONFLICT (key) DO UPDATE SET
			window_start = CASE WHEN t.window_start <= $3 THEN $2 ELSE t.window_start END,
			failures = CASE WHEN t.window_start <= $3 THEN 1 ELSE t.failures + 1 END,
			locked_until = CASE WHEN (CASE WHEN t.window_start <= $3 THEN 1 ELSE t.failures + 1 END) >= $4
				THEN $5::timestamptz ELSE t.locked_until END
		RETURNING locked_until`
	var until *time.Time
	err := s.pool.QueryRow(ctx, q, t.Key, at, at.Add(-t.Window), t.Limit, at.Add(t.Lockout)).Scan(&until)
	if err != nil {
		return time.Time{}, fmt.Errorf("sign-in failure of %s: %w", t.Key, err)
	}
	if until == nil || !until.After(at) {
		return time.Time{}, nil
	}
	return *until, nil
}

// ClearSignInFailures forgets the failures counted against key (a successful sign-in).
func (s *Store) ClearSignInFailures(ctx context.Context, key string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM sign_in_throttle WHERE key = $1`, key); err != nil {
		return fmt.Errorf("clear sign-in failures of %s: %w", key, err)
	}
	return nil
}
