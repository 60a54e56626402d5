package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Password credentials (credentials, migration 00017): one bcrypt hash per user, kept apart from
// the policy so that a password changes without a policy load. The store only keeps hashes;
// hashing, the quality rule and who may reset live in service/passwords.go.

// Credential is a user's password as the sign-in checks it.
type Credential struct {
	UserID     string
	Hash       string // bcrypt
	ChangedAt  time.Time
	MustChange bool // set by an admin's reset: the user is asked for a new one after sign-in
}

// CredentialOf returns the credential of an active user, or ErrNotFound when the user does not
// exist, is inactive or has no password (a user who signs in another way).
func (s *Store) CredentialOf(ctx context.Context, userID string) (Credential, error) {
	var c Credential
	const q = `SELECT c.user_id, c.password_hash, c.changed_at, c.must_change FROM credentials c
		JOIN users u ON u.id = c.user_id WHERE c.user_id = $1 AND u.active`
	if err := s.pool.QueryRow(ctx, q, userID).Scan(&c.UserID, &c.Hash, &c.ChangedAt, &c.MustChange); err != nil {
		return Credential{}, fmt.Errorf("credential of %s: %w", userID, notFound(err))
	}
	return c, nil
}

// SetCredential stores a user's new hash and ends every session of theirs but keep (a token, ""
// for none): a changed or reset password signs out whoever held the old one. The user must
// exist (ErrNotFound otherwise).
func (s *Store) SetCredential(ctx context.Context, c Credential, keepToken string) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		const upsert = `INSERT INTO credentials (user_id, password_hash, changed_at, must_change)
			SELECT id, $2, $3, $4 FROM users WHERE id = $1 AND active
			ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash,
				changed_at = EXCLUDED.changed_at, must_change = EXCLUDED.must_change`
		tag, err := tx.Exec(ctx, upsert, c.UserID, c.Hash, c.ChangedAt, c.MustChange)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		const end = `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`
		_, err = tx.Exec(ctx, end, c.UserID, tokenHash(keepToken))
		return err
	})
	if err != nil {
		return fmt.Errorf("set credential of %s: %w", c.UserID, mapErr(err))
	}
	return nil
}

// seedCredential copies a hash a policy document still carries (the format before 00017) into
// credentials, once: a user who already has one keeps it, so reloading an old document never
// undoes a password change.
func seedCredential(ctx context.Context, tx pgx.Tx, userID, hash string) error {
	if hash == "" {
		return nil
	}
	const q = `INSERT INTO credentials (user_id, password_hash) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`
	if _, err := tx.Exec(ctx, q, userID, hash); err != nil {
		return fmt.Errorf("credential of %s: %w", userID, err)
	}
	return nil
}
