package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// CaseView is everything a case page needs, read in one round trip: the case with its chain
// state, its line items, its ledger, its attachments, whom it is copied to, the names of
// everyone on it, and whom the viewer may act for at the time.
type CaseView struct {
	Case        Case
	Lines       []Line
	Seals       []SealRow
	Attachments []Attachment      // oldest upload first, without content
	Copies      []string          // user IDs the case is copied to, in the order of the copy
	Names       map[string]string // user ID → name, for the submitter, every participant and copy
	Delegators  []string
}

// CaseView reads a case page for a viewer.
func (s *Store) CaseView(ctx context.Context, id, viewer string, at time.Time) (CaseView, error) {
	b := &pgx.Batch{}
	b.Queue(`SELECT `+caseColumns+`, state FROM cases WHERE id = $1`, id)
	b.Queue(`SELECT `+lineColumns+` FROM case_lines WHERE case_id = $1 ORDER BY line_no`, id)
	b.Queue(`SELECT `+sealColumns+` FROM seals WHERE case_id = $1 ORDER BY seq`, id)
	b.Queue(caseAttachments, id)
	b.Queue(`SELECT user_id FROM case_copies WHERE case_id = $1 ORDER BY copied_at, user_id`, id)
	b.Queue(`SELECT u.id, u.name FROM users u, cases c
		WHERE c.id = $1 AND (u.id = c.submitter_id OR u.id = ANY(c.participants)
			OR u.id IN (SELECT user_id FROM case_copies WHERE case_id = $1))`, id)
	b.Queue(`SELECT DISTINCT delegator_id FROM delegations
		WHERE delegate_id = $1 AND valid_from <= $2 AND valid_to > $2 ORDER BY 1`, viewer, at)
	res := s.pool.SendBatch(ctx, b)
	defer res.Close()

	var v CaseView
	var err error
	if v.Case, err = scanCase(res.QueryRow(), true); err != nil {
		return CaseView{}, fmt.Errorf("case %s: %w", id, notFound(err))
	}
	rows, err := res.Query()
	if err == nil {
		v.Lines, err = pgx.CollectRows(rows, scanLine)
	}
	if err != nil {
		return CaseView{}, fmt.Errorf("case %s lines: %w", id, err)
	}
	if rows, err = res.Query(); err == nil {
		v.Seals, err = pgx.CollectRows(rows, scanSeal)
	}
	if err != nil {
		return CaseView{}, fmt.Errorf("case %s seals: %w", id, err)
	}
	if rows, err = res.Query(); err == nil {
		v.Attachments, err = pgx.CollectRows(rows, scanAttachment)
	}
	if err != nil {
		return CaseView{}, fmt.Errorf("case %s attachments: %w", id, err)
	}
	if rows, err = res.Query(); err == nil {
		v.Copies, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return CaseView{}, fmt.Errorf("case %s copies: %w", id, err)
	}
	v.Names = map[string]string{}
	if rows, err = res.Query(); err == nil {
		var uid, name string
		_, err = pgx.ForEachRow(rows, []any{&uid, &name}, func() error {
			v.Names[uid] = name
			return nil
		})
	}
	if err != nil {
		return CaseView{}, fmt.Errorf("case %s names: %w", id, err)
	}
	if rows, err = res.Query(); err == nil {
		v.Delegators, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return CaseView{}, fmt.Errorf("case %s delegators: %w", id, err)
	}
	return v, nil
}
