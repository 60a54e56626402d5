package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Meeting kinds: 型号项目协调会, 生产调度例会, 生产例会.
const (
	MeetingModelCoordination  = "model_coordination"
	MeetingProductionDispatch = "production_dispatch"
	MeetingProductionRoutine  = "production_routine"
)

// MeetingKinds lists the kinds in the order a form offers them.
var MeetingKinds = []string{MeetingModelCoordination, MeetingProductionDispatch, MeetingProductionRoutine}

// NewMeeting is a coordination meeting being recorded.
type NewMeeting struct {
	Year    int // the numbering year; HeldAt's (UTC) year when zero
	Kind    string
	Title   string
	HeldAt  time.Time
	ChairID string
	Minutes string
}

// Meeting is a recorded coordination meeting. Its decisions are the problems with its ID.
type Meeting struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	HeldAt    time.Time `json:"held_at"`
	ChairID   string    `json:"chair_id"`
	Minutes   string    `json:"minutes"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

const meetingColumns = `id, kind, title, held_at, chair_id, minutes, created_by, created_at`

func scanMeeting(row pgx.Row) (Meeting, error) {
	var m Meeting
	err := row.Scan(&m.ID, &m.Kind, &m.Title, &m.HeldAt, &m.ChairID, &m.Minutes, &m.CreatedBy, &m.CreatedAt)
	return m, err
}

// CreateMeeting numbers a meeting (MTG-<year>-NNNNNN, from the same counter table as cases and
// problems) and writes it, in one transaction.
func (s *Store) CreateMeeting(ctx context.Context, actor string, n NewMeeting) (Meeting, error) {
	year := n.Year
	if year == 0 {
		year = n.HeldAt.UTC().Year()
	}
	var m Meeting
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		const number = `INSERT INTO case_numbers (prefix, year, last) VALUES ('MTG', $1, 1)
			ON CONFLICT (prefix, year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last`
		var seq int64
		if err := tx.QueryRow(ctx, number, year).Scan(&seq); err != nil {
			return fmt.Errorf("number: %w", err)
		}
		id := fmt.Sprintf("MTG-%d-%06d", year, seq)
		const ins = `INSERT INTO meetings (id, kind, title, held_at, chair_id, minutes, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ` + meetingColumns
		var err error
		m, err = scanMeeting(tx.QueryRow(ctx, ins, id, n.Kind, n.Title, n.HeldAt, n.ChairID, n.Minutes, actor))
		return err
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("create meeting: %w", mapErr(err))
	}
	return m, nil
}

// Meeting reads one meeting.
func (s *Store) Meeting(ctx context.Context, id string) (Meeting, error) {
	m, err := scanMeeting(s.pool.QueryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE id = $1`, id))
	if err != nil {
		return Meeting{}, fmt.Errorf("meeting %s: %w", id, notFound(err))
	}
	return m, nil
}

// Meetings lists the latest meetings, most recently held first.
func (s *Store) Meetings(ctx context.Context, limit int) ([]Meeting, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.pool.Query(ctx, `SELECT `+meetingColumns+` FROM meetings ORDER BY held_at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Meeting, error) { return scanMeeting(r) })
	if err != nil {
		return nil, fmt.Errorf("meetings: %w", err)
	}
	return out, nil
}
