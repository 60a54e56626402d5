package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"

	"signoff/policy"
)

// LoadPolicy stores a policy document as a new version unless the latest version has the same
// checksum, and brings users, departments and budget lines in line with it. Budget lines keep
// what is reserved and consumed; only their name and total follow the document.
func (s *Store) LoadPolicy(ctx context.Context, doc *policy.Document, source []byte) (version int, created bool, err error) {
	sum := doc.Checksum()
	body, err := json.Marshal(doc)
	if err != nil {
		return 0, false, fmt.Errorf("load policy: encode: %w", err)
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		// One loader at a time: versions are numbered without gaps.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('signoff.policy'))`); err != nil {
			return err
		}
		const latest = `SELECT version, checksum FROM policy_versions ORDER BY version DESC LIMIT 1`
		var have string
		switch err := tx.QueryRow(ctx, latest).Scan(&version, &have); {
		case err == pgx.ErrNoRows:
		case err != nil:
			return err
		case have == sum:
			return auditPolicyLoad(ctx, tx, version, sum, false)
		}
		version++
		created = true
		const insert = `INSERT INTO policy_versions (version, checksum, document, source) VALUES ($1, $2, $3, $4)`
		if _, err := tx.Exec(ctx, insert, version, sum, body, string(source)); err != nil {
			return err
		}
		if err := syncOrg(ctx, tx, doc); err != nil {
			return err
		}
		return auditPolicyLoad(ctx, tx, version, sum, true)
	})
	if err != nil {
		return 0, false, fmt.Errorf("load policy: %w", mapErr(err))
	}
	return version, created, nil
}

// auditPolicyLoad records a load in the audit log in the load's own transaction, so that a policy
// version never exists without its entry (and a load that changed nothing is recorded too: an
// auditor sees every attempt to change who may do what).
func auditPolicyLoad(ctx context.Context, tx pgx.Tx, version int, checksum string, created bool) error {
	return appendAudit(ctx, tx, AuditEntry{Kind: AuditPolicyLoad, Door: "cli", Route: "load policy",
		Details: map[string]any{"version": version, "checksum": checksum, "created": created}})
}

func syncOrg(ctx context.Context, tx pgx.Tx, doc *policy.Document) error {
	const dept = `INSERT INTO departments (id, name, head_id, parent) VALUES ($1, $2, $3, NULLIF($4, ''))
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, head_id = EXCLUDED.head_id, parent = EXCLUDED.parent`
	for _, d := range doc.Departments {
		if _, err := tx.Exec(ctx, dept, d.ID, d.Name, d.Head, d.Parent); err != nil {
			return fmt.Errorf("department %s: %w", d.ID, err)
		}
	}
	// Users absent from the new document are deactivated, never deleted: their seals stay.
	if _, err := tx.Exec(ctx, `UPDATE users SET active = false`); err != nil {
		return err
	}
	const user = `INSERT INTO users (id, name, email, department_id, roles, active)
		VALUES ($1, $2, $3, $4, $5, true)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email,
			department_id = EXCLUDED.department_id, roles = EXCLUDED.roles, active = true`
	for _, u := range doc.Users {
		roles := make([]string, len(u.Roles))
		for i, r := range u.Roles {
			roles[i] = string(r)
		}
		if _, err := tx.Exec(ctx, user, u.ID, u.Name, u.Email, u.Department, roles); err != nil {
			return fmt.Errorf("user %s: %w", u.ID, err)
		}
		// A document in the old format carries the hash: copied once (see credentials.go).
		if err := seedCredential(ctx, tx, u.ID, u.PasswordHash); err != nil {
			return err
		}
	}
	// Someone who left stays inactive whatever the document says, until an admin reactivates them.
	if _, err := tx.Exec(ctx, `UPDATE users SET active = false WHERE id IN (SELECT user_id FROM departures)`); err != nil {
		return fmt.Errorf("departed users: %w", err)
	}
	const line = `INSERT INTO budget_lines (id, name, department_id, year, total) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, department_id = EXCLUDED.department_id,
			year = EXCLUDED.year, total = EXCLUDED.total`
	for _, b := range doc.BudgetLines {
		if _, err := tx.Exec(ctx, line, b.ID, b.Name, b.Department, b.Year, int64(b.Total)); err != nil {
			return fmt.Errorf("budget line %s: %w", b.ID, err)
		}
	}
	return nil
}

// Policies reads policy versions, caching them: a version never changes once written.
type Policies struct {
	store *Store
	mu    sync.Mutex
	byVer map[int]*policy.Document
}

// NewPolicies returns a cached reader of policy versions.
func NewPolicies(s *Store) *Policies {
	return &Policies{store: s, byVer: map[int]*policy.Document{}}
}

// Version returns the document of one version.
func (p *Policies) Version(ctx context.Context, version int) (*policy.Document, error) {
	p.mu.Lock()
	doc, ok := p.byVer[version]
	p.mu.Unlock()
	if ok {
		return doc, nil
	}
	var body []byte
	const q = `SELECT document FROM policy_versions WHERE version = $1`
	if err := p.store.pool.QueryRow(ctx, q, version).Scan(&body); err != nil {
		return nil, fmt.Errorf("policy version %d: %w", version, notFound(err))
	}
	doc, err := policy.FromJSON(body)
	if err != nil {
		return nil, fmt.Errorf("policy version %d: %w", version, err)
	}
	p.mu.Lock()
	p.byVer[version] = doc
	p.mu.Unlock()
	return doc, nil
}

// Latest returns the newest version and its document: what new cases are submitted under.
func (p *Policies) Latest(ctx context.Context) (int, *policy.Document, error) {
	var version int
	const q = `SELECT max(version) FROM policy_versions`
	var v *int
	if err := p.store.pool.QueryRow(ctx, q).Scan(&v); err != nil {
		return 0, nil, fmt.Errorf("latest policy: %w", err)
	}
	if v == nil {
		return 0, nil, fmt.Errorf("latest policy: %w: no policy loaded (run signoff migrate)", ErrNotFound)
	}
	version = *v
	doc, err := p.Version(ctx, version)
	return version, doc, err
}
