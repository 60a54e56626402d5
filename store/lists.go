package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Scope selects whose cases a list shows.
type Scope string

const (
	ScopeTodo      Scope = "todo"      // the user must act now
	ScopeSubmitted Scope = "submitted" // the user submitted them
	ScopeInvolved  Scope = "involved"  // the user was ever on them
	ScopeAll       Scope = "all"       // every case (operators, finance)
)

// Filter narrows a list. Zero values mean no narrowing.
type Filter struct {
	Scope      Scope
	User       string
	Status     string
	Kind       string
	Department string
	Overdue    *bool
	From, To   *time.Time // submitted_at in [From, To)
	Limit      int
	After      string // cursor: the last item of the previous page
}

// Page is one page of a list. Next is the cursor of the next page ("" at the end).
type Page struct {
	Items []Case `json:"items"`
	Next  string `json:"next,omitempty"`
}

// ListCases serves inbox, my submissions and search from the read model, newest first, with
// keyset pagination on (submitted_at, id) so deep pages stay fast.
func (s *Store) ListCases(ctx context.Context, f Filter) (Page, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	switch f.Scope {
	case ScopeTodo:
		add("assignees @> ARRAY[?]::text[]", f.User)
	case ScopeSubmitted:
		add("submitter_id = ?", f.User)
	case ScopeInvolved:
		add("participants @> ARRAY[?]::text[]", f.User)
	}
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.Department != "" {
		add("department_id = ?", f.Department)
	}
	if f.Overdue != nil {
		add("overdue = ?", *f.Overdue)
	}
	if f.From != nil {
		add("submitted_at >= ?", *f.From)
	}
	if f.To != nil {
		add("submitted_at < ?", *f.To)
	}
	if f.After != "" {
		at, id, err := decodeCursor(f.After)
		if err != nil {
			return Page{}, err
		}
		args = append(args, at, id)
		where = append(where, fmt.Sprintf("(submitted_at, id) < ($%d, $%d)", len(args)-1, len(args)))
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = 50
	case limit > 200:
		limit = 200
	}
	q := `SELECT ` + caseColumns + ` FROM cases`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(` ORDER BY submitted_at DESC, id DESC LIMIT %d`, limit+1)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return Page{}, fmt.Errorf("list cases: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Case, error) { return scanCase(r, false) })
	if err != nil {
		return Page{}, fmt.Errorf("list cases: %w", err)
	}
	p := Page{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		last := p.Items[limit-1]
		p.Next = encodeCursor(last.SubmittedAt, last.ID)
	}
	if p.Items == nil {
		p.Items = []Case{}
	}
	return p, nil
}

// ErrBadCursor is returned for a cursor this package did not make.
var ErrBadCursor = fmt.Errorf("bad cursor")

func encodeCursor(at time.Time, id string) string {
	return strconv.FormatInt(at.UnixMicro(), 36) + "." + id
}

func decodeCursor(c string) (time.Time, string, error) {
	ts, id, ok := strings.Cut(c, ".")
	if !ok || id == "" {
		return time.Time{}, "", ErrBadCursor
	}
	us, err := strconv.ParseInt(ts, 36, 64)
	if err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	return time.UnixMicro(us), id, nil
}
