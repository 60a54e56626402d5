package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// The audit log (audit_log, migration 00011): the events an auditor asks about that are not seals.
// Rows are only ever inserted; the database refuses UPDATE, DELETE and TRUNCATE on the table.

// Kinds of audit entry; the table's CHECK constraint holds the same list.
const (
	AuditSignIn       = "sign_in"
	AuditSignInFailed = "sign_in_failed"
	AuditRefused      = "refused"
	AuditPolicyLoad   = "policy_load"
	AuditExport       = "export"
	AuditDownload     = "download"
	// Added by 00017: a sign-in refused because the account or the address is locked, a password
	// changed by its owner, a password reset by an admin.
	AuditSignInLocked    = "sign_in_locked"
	AuditPasswordChanged = "password_changed"
	AuditPasswordReset   = "password_reset"
	// Added by 00018: a person deactivated because they left, and reactivated, by an admin.
	AuditUserDeactivated = "user_deactivated"
	AuditUserReactivated = "user_reactivated"
)

// AuditKinds lists every kind of audit entry, in the order the search page offers them.
func AuditKinds() []string {
	return []string{AuditSignIn, AuditSignInFailed, AuditSignInLocked, AuditPasswordChanged, AuditPasswordReset,
		AuditUserDeactivated, AuditUserReactivated, AuditRefused, AuditPolicyLoad, AuditExport, AuditDownload}
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID        int64          `json:"id"`
	At        time.Time      `json:"at"`
	Kind      string         `json:"kind"`
	ActorID   string         `json:"actor_id"` // the user; for a failed sign-in, the name typed
	Door      string         `json:"door"`     // api, web or cli
	Method    string         `json:"method"`
	Route     string         `json:"route"`
	Code      string         `json:"code"`
	RequestID string         `json:"request_id"`
	Remote    string         `json:"remote"`
	Details   map[string]any `json:"details"`
}

// AppendAudit writes one entry; At is the database's clock when zero.
func (s *Store) AppendAudit(ctx context.Context, e AuditEntry) error {
	if err := appendAudit(ctx, s.pool, e); err != nil {
		return fmt.Errorf("append audit %s: %w", e.Kind, mapErr(err))
	}
	return nil
}

// rowQuerier is the pool or a transaction: LoadPolicy writes its entry in its own transaction.
type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func appendAudit(ctx context.Context, db rowQuerier, e AuditEntry) error {
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	body, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("details: %w", err)
	}
	var at *time.Time
	if !e.At.IsZero() {
		at = &e.At
	}
	const q = `INSERT INTO audit_log (at, kind, actor_id, door, method, route, code, request_id, remote, details)
		VALUES (coalesce($1, now()), $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`
	var id int64
	return db.QueryRow(ctx, q, at, e.Kind, e.ActorID, e.Door, e.Method, e.Route, e.Code, e.RequestID, e.Remote, body).Scan(&id)
}

// AuditFilter selects audit entries: every field is optional; From is inclusive, To exclusive.
type AuditFilter struct {
	Kind    string
	ActorID string
	From    time.Time
	To      time.Time
	Cursor  string
	Limit   int
}

// AuditPage is one page of the audit log, newest first.
type AuditPage struct {
	Items      []AuditEntry `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// tagAudit is the audit log's cursor format: a_<at>.<id>.
const tagAudit = "a"

// ListAudit reads the audit log newest first, a page at a time.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) (AuditPage, error) {
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var after *time.Time
	var afterID int64
	if f.Cursor != "" {
		c, err := decodeCursor(tagAudit, f.Cursor)
		if err != nil {
			return AuditPage{}, err
		}
		id, err := strconv.ParseInt(c.id, 10, 64)
		if err != nil {
			return AuditPage{}, ErrBadCursor
		}
		after, afterID = &c.at, id
	}
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		to = &f.To
	}
	const q = `SELECT id, at, kind, actor_id, door, method, route, code, request_id, remote, details
		FROM audit_log
		WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR actor_id = $2)
		  AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4)
		  AND ($5::timestamptz IS NULL OR (at, id) < ($5, $6))
		ORDER BY at DESC, id DESC
		LIMIT $7`
	rows, err := s.pool.Query(ctx, q, f.Kind, f.ActorID, from, to, after, afterID, limit+1)
	if err != nil {
		return AuditPage{}, fmt.Errorf("list audit: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		var details []byte
		err := row.Scan(&e.ID, &e.At, &e.Kind, &e.ActorID, &e.Door, &e.Method, &e.Route, &e.Code, &e.RequestID, &e.Remote, &details)
		if err == nil {
			err = json.Unmarshal(details, &e.Details)
		}
		return e, err
	})
	if err != nil {
		return AuditPage{}, fmt.Errorf("list audit: %w", err)
	}
	page := AuditPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		last := page.Items[limit-1]
		page.NextCursor = encodeCursor(tagAudit, cursor{at: last.At, id: strconv.FormatInt(last.ID, 10)})
	}
	return page, nil
}
