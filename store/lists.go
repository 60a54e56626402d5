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
	ScopeDone      Scope = "done"      // the user decided on them (已办), latest decision first
	ScopeCopied    Scope = "copied"    // they were copied to the user (抄送), latest copy first
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
	// OverdueFirst lists overdue cases before the others, each group newest first. It applies
	// to the todo, submitted, involved and all scopes; done and copied lists are always in the
	// order of the user's decision or copy, and ignore it.
	OverdueFirst bool
	Limit        int
	After        string // cursor: the last item of the previous page of a list in the same order
}

// Page is one page of a list. Next is the cursor of the next page ("" at the end).
type Page struct {
	Items []Case `json:"items"`
	Next  string `json:"next,omitempty"`
}

// ListCases serves the inboxes, my submissions and search from the read model, with keyset
// pagination so deep pages stay fast. Lists are newest first on (submitted_at, id), or on
// (overdue, submitted_at, id) with OverdueFirst; done lists are on (acted_at, id) of the user's
// latest decision and copied lists on (copied_at, id) of the copy, latest first. A cursor only
// continues a list in the order that made it: any other cursor gives ErrBadCursor.
func (s *Store) ListCases(ctx context.Context, f Filter) (Page, error) {
	o := orderOf(f)
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
	case ScopeDone:
		add("d.user_id = ?", f.User)
	case ScopeCopied:
		add("cc.user_id = ?", f.User)
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
		c, err := decodeCursor(o.tag, f.After)
		if err != nil {
			return Page{}, err
		}
		var params []string
		for _, v := range o.keyset(c) {
			args = append(args, v)
			params = append(params, "$"+strconv.Itoa(len(args)))
		}
		where = append(where, fmt.Sprintf("(%s) < (%s)", strings.Join(o.key, ", "), strings.Join(params, ", ")))
	}
	limit := f.Limit
	switch {
	case limit <= 0:
		limit = 50
	case limit > 200:
		limit = 200
	}
	q := `SELECT ` + caseColumns + `, ` + o.at + ` FROM ` + o.from
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(` ORDER BY %s DESC LIMIT %d`, strings.Join(o.key, " DESC, "), limit+1)
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return Page{}, fmt.Errorf("list cases: %w", err)
	}
	var at []time.Time
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Case, error) {
		var t time.Time
		c, err := scanCase(r, false, &t)
		at = append(at, t)
		return c, err
	})
	if err != nil {
		return Page{}, fmt.Errorf("list cases: %w", err)
	}
	p := Page{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		last := p.Items[limit-1]
		p.Next = encodeCursor(o.tag, cursor{overdue: last.Overdue, at: at[limit-1], id: last.ID})
	}
	if p.Items == nil {
		p.Items = []Case{}
	}
	return p, nil
}

// order is one sort order of lists: the tables it reads, its keyset (all descending) and the
// tag of its cursor format.
type order struct {
	from string   // the FROM clause, cases among its tables
	at   string   // the time the list is sorted by, selected with each row for the cursor
	key  []string // the keyset columns, in sort order
	tag  string   // the cursor format (cursor.go)
}

var (
	newestFirst  = order{from: "cases", at: "submitted_at", key: []string{"submitted_at", "cases.id"}, tag: tagNewest}
	overdueFirst = order{from: "cases", at: "submitted_at", key: []string{"overdue", "submitted_at", "cases.id"},
		tag: tagOverdue}
	latestDone = order{from: "cases JOIN case_done d ON d.case_id = cases.id", at: "d.acted_at",
		key: []string{"d.acted_at", "d.case_id"}, tag: tagDone}
	latestCopied = order{from: "cases JOIN case_copies cc ON cc.case_id = cases.id", at: "cc.copied_at",
		key: []string{"cc.copied_at", "cc.case_id"}, tag: tagCopied}
)

// orderOf returns the order of a filter's list.
func orderOf(f Filter) order {
	switch {
	case f.Scope == ScopeDone:
		return latestDone
	case f.Scope == ScopeCopied:
		return latestCopied
	case f.OverdueFirst:
		return overdueFirst
	}
	return newestFirst
}

// keyset returns a cursor's values for the order's key columns.
func (o order) keyset(c cursor) []any {
	if o.tag == tagOverdue {
		return []any{c.overdue, c.at, c.id}
	}
	return []any{c.at, c.id}
}
