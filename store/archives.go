package store

import (
	"context"
	"crypto/sha256"
	"fmt"
	"time"
)

// Archive is the archive package of a closed case (package archive), as case_archives keeps it.
type Archive struct {
	CaseID    string
	ClosedAt  time.Time
	SHA256    []byte
	Package   []byte
	CreatedAt time.Time
}

// InsertArchive keeps the package of a closed case, exactly once: a case already archived keeps
// its first package, and written reports whether this call wrote it. The table refuses any
// change afterwards (migration 00012).
func (s *Store) InsertArchive(ctx context.Context, caseID string, closedAt time.Time, pkg []byte) (written bool, err error) {
	sum := sha256.Sum256(pkg)
	const q = `INSERT INTO case_archives (case_id, closed_at, sha256, package) VALUES ($1, $2, $3, $4)
		ON CONFLICT (case_id) DO NOTHING`
	tag, err := s.pool.Exec(ctx, q, caseID, closedAt, sum[:], pkg)
	if err != nil {
		return false, fmt.Errorf("archive %s: %w", caseID, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Archives are the packages of the cases closed in [from, to), oldest first.
func (s *Store) Archives(ctx context.Context, from, to time.Time) ([]Archive, error) {
	const q = `SELECT case_id, closed_at, sha256, package, created_at FROM case_archives
		WHERE closed_at >= $1 AND closed_at < $2 ORDER BY closed_at, case_id`
	rows, err := s.pool.Query(ctx, q, from, to)
	if err != nil {
		return nil, fmt.Errorf("archives: %w", err)
	}
	defer rows.Close()
	var out []Archive
	for rows.Next() {
		var a Archive
		if err := rows.Scan(&a.CaseID, &a.ClosedAt, &a.SHA256, &a.Package, &a.CreatedAt); err != nil {
			return nil, fmt.Errorf("archives: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("archives: %w", err)
	}
	return out, nil
}

// CaseArchive is the package of one closed case; ErrNotFound when the case has none (it is open,
// or closed a moment ago and its workflow has not archived it yet).
func (s *Store) CaseArchive(ctx context.Context, caseID string) (Archive, error) {
	const q = `SELECT case_id, closed_at, sha256, package, created_at FROM case_archives WHERE case_id = $1`
	var a Archive
	err := s.pool.QueryRow(ctx, q, caseID).Scan(&a.CaseID, &a.ClosedAt, &a.SHA256, &a.Package, &a.CreatedAt)
	if err != nil {
		return Archive{}, fmt.Errorf("archive of %s: %w", caseID, notFound(err))
	}
	return a, nil
}
