package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ProblemFilter selects problems for the lists and the role board. Empty fields do not filter.
type ProblemFilter struct {
	Status     string
	Department string // one of the responsible departments
	Severity   string
	Model      string
	Batch      string
	Holder     string // someone who must act now (a user ID or "center")
	Meeting    string // decisions of a coordination meeting
	BOMNode    string // with Batch: one node of the batch's BOM
	Overdue    bool   // published, not closed, past its due date
	Open       bool   // published and not closed (in progress, or solved awaiting verification)
	// PublishedFrom / PublishedTo bound the first publication, [from, to): the ageing buckets.
	PublishedFrom, PublishedTo time.Time
	// EscalatedFrom / EscalatedTo: problems escalated (an escalated seal) in [from, to).
	EscalatedFrom, EscalatedTo time.Time
	Now                        time.Time
	Limit                      int // 1..200; 50 when zero
}

// ListProblems lists problems newest first. Each condition maps onto an index of
// 00007_problems.sql: holders and departments are GIN-indexed arrays (@>), model and batch have
// their own indexes, an overdue list reads the partial index of open problems.
func (s *Store) ListProblems(ctx context.Context, f ProblemFilter) ([]Problem, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(f.Status))
	}
	if f.Department != "" {
		where = append(where, "departments @> ARRAY["+arg(f.Department)+"::text]")
	}
	if f.Severity != "" {
		where = append(where, "severity = "+arg(f.Severity))
	}
	if f.Model != "" {
		where = append(where, "model = "+arg(f.Model))
	}
	if f.Batch != "" {
		where = append(where, "batch = "+arg(f.Batch))
	}
	if f.Holder != "" {
		where = append(where, "holders @> ARRAY["+arg(f.Holder)+"::text]")
	}
	if f.Meeting != "" {
		where = append(where, "meeting_id = "+arg(f.Meeting))
	}
	if f.BOMNode != "" {
		where = append(where, "bom_node = "+arg(f.BOMNode))
	}
	if f.Open {
		where = append(where, "status IN ('in_progress', 'solved')")
	}
	if !f.PublishedFrom.IsZero() {
		where = append(where, "published_at >= "+arg(f.PublishedFrom))
	}
	if !f.PublishedTo.IsZero() {
		where = append(where, "published_at < "+arg(f.PublishedTo))
	}
	if !f.EscalatedFrom.IsZero() || !f.EscalatedTo.IsZero() {
		from, to := f.EscalatedFrom, f.EscalatedTo
		if to.IsZero() {
			to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		where = append(where, "id IN (SELECT problem_id FROM problem_seals WHERE decision = 'escalated' AND at >= "+
			arg(from)+" AND at < "+arg(to)+")")
	}
	if f.Overdue {
		now := f.Now
		if now.IsZero() {
			now = time.Now()
		}
		where = append(where, "status IN ('in_progress', 'solved') AND due_at < "+arg(now))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	q := `SELECT ` + problemColumns + ` FROM problems`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY raised_at DESC, id DESC LIMIT ` + arg(limit)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list problems: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Problem, error) { return scanProblem(r) })
	if err != nil {
		return nil, fmt.Errorf("list problems: %w", err)
	}
	return out, nil
}

// ProblemAttachments returns the attachments linked to a problem, oldest upload first.
func (s *Store) ProblemAttachments(ctx context.Context, problemID string) ([]Attachment, error) {
	const q = `SELECT ` + attachmentColumns + ` FROM attachments WHERE problem_id = $1 ORDER BY created_at, id`
	rows, err := s.pool.Query(ctx, q, problemID)
	if err != nil {
		return nil, fmt.Errorf("attachments of %s: %w", problemID, err)
	}
	list, err := pgx.CollectRows(rows, scanAttachment)
	if err != nil {
		return nil, fmt.Errorf("attachments of %s: %w", problemID, err)
	}
	return list, nil
}
