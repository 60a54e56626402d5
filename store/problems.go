package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// NewProblem is a production problem being raised.
type NewProblem struct {
	Year          int
	Title         string
	Description   string
	Model         string // 型号
	Batch         string // 批次
	BOMNode       string // BOM 节点
	Line          string // 产线 / 车间
	Severity      string
	RaisedBy      string
	PolicyVersion int
	MeetingID     string
	Attachments   []string // the raiser's unlinked uploads
}

// CreateProblem numbers a problem (PRB-<year>-…) and writes it with its attachments, in one
// transaction. Its workflow records the raise and everything after.
func (s *Store) CreateProblem(ctx context.Context, n NewProblem) (string, error) {
	var id string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		const number = `INSERT INTO case_numbers (prefix, year, last) VALUES ('PRB', $1, 1)
			ON CONFLICT (prefix, year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last`
		var seq int64
		if err := tx.QueryRow(ctx, number, n.Year).Scan(&seq); err != nil {
			return fmt.Errorf("number: %w", err)
		}
		id = fmt.Sprintf("PRB-%d-%06d", n.Year, seq)
		b := &pgx.Batch{}
		const ins = `INSERT INTO problems (id, title, description, model, batch, bom_node, line, severity,
			raised_by, policy_version, meeting_id, status)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, nullif($11, ''), 'raised')`
		b.Queue(ins, id, n.Title, n.Description, n.Model, n.Batch, n.BOMNode, n.Line, n.Severity,
			n.RaisedBy, n.PolicyVersion, n.MeetingID)
		if ids := distinct(n.Attachments); len(ids) > 0 {
			const link = `UPDATE attachments SET problem_id = $1, linked_at = now()
				WHERE id = ANY($2) AND uploader_id = $3 AND case_id IS NULL AND problem_id IS NULL AND linked_at IS NULL
				RETURNING id`
			b.Queue(link, id, ids, n.RaisedBy).Query(func(rows pgx.Rows) error {
				linked, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					return err
				}
				if len(linked) != len(ids) {
					return &AttachmentError{IDs: missingOf(ids, linked)}
				}
				return nil
			})
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return "", fmt.Errorf("create problem: %w", mapErr(err))
	}
	return id, nil
}

func missingOf(want, got []string) []string {
	have := map[string]bool{}
	for _, g := range got {
		have[g] = true
	}
	var out []string
	for _, w := range want {
		if !have[w] {
			out = append(out, w)
		}
	}
	return out
}

// ProblemSeal is one entry of a problem's ledger.
type ProblemSeal struct {
	Seq      int       `json:"seq"`
	Decision string    `json:"decision"`
	Actor    string    `json:"actor"`
	Comment  string    `json:"comment"`
	Target   string    `json:"target"`
	At       time.Time `json:"at"`
}

// KPIRow is one thing the completion rate counts for a problem: the center (Key ""), a
// responsible department or a responsible representative, with the due date in force.
type KPIRow struct {
	Dimension string    `json:"dimension"` // center, department, representative
	Key       string    `json:"key"`
	DueAt     time.Time `json:"due_at"`
	OnTime    bool      `json:"on_time"`
}

// ProblemSnapshot is a problem as its workflow last left it: the columns lists and boards read,
// and the lifecycle's state as JSON.
type ProblemSnapshot struct {
	ID              string
	Status          string
	Departments     []string
	Representatives []string
	Holders         []string
	DueAt           time.Time
	OriginalDueAt   time.Time
	PublishedAt     time.Time
	SolvedAt        time.Time
	ClosedAt        time.Time
	MergedInto      string
	Reopened        int
	DueChanges      int
	Publications    int
	Escalations     int
	Revision        int
	Seq             int
	State           json.RawMessage
}

// ProblemRecord is what one transition of a problem writes.
type ProblemRecord struct {
	Snapshot      ProblemSnapshot
	Seals         []ProblemSeal
	KPI           []KPIRow // replaces the problem's rows; nil for a problem that is not counted
	Notifications []Notification
	// TZ is the policy's timezone, in which the daily counts of the completion rate are kept.
	TZ string
}

// RecordProblem writes a transition: its seals, linked into the problem's ledger (package
// ledger: each attests the problem's facts and the hash of the seal before it), the new
// snapshot, the completion-rate rows and the notifications, in one transaction. The problem's
// row is locked while its seals are linked. Idempotent: seals are keyed by (problem, seq), the
// snapshot only moves forward, the KPI rows are replaced only by a newer snapshot,
// notifications are keyed.
func (s *Store) RecordProblem(ctx context.Context, r ProblemRecord) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error { return recordProblem(ctx, tx, r) })
	if err != nil {
		return fmt.Errorf("record problem %s: %w", r.Snapshot.ID, mapErr(err))
	}
	return nil
}

func recordProblem(ctx context.Context, tx pgx.Tx, r ProblemRecord) error {
	p := r.Snapshot
	seals, err := linkProblemSeals(ctx, tx, p.ID, r.Seals)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	const seal = `INSERT INTO problem_seals (problem_id, seq, decision, actor_id, comment, target, at,
		facts_digest, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (problem_id, seq) DO NOTHING`
	for _, x := range seals {
		b.Queue(seal, p.ID, x.Seq, x.Decision, x.Actor, x.Comment, x.Target, x.At, x.FactsDigest, x.PrevHash, x.Hash)
	}
	// The KPI rows follow the snapshot: replaced only when this snapshot is not older than the
	// stored one (so a retried write of an older transition leaves them alone). The daily counts
	// lose the old rows and gain the new ones in the same transaction; a retry of the same
	// transition takes away and adds back the same rows.
	tz := r.TZ
	if tz == "" {
		tz = "UTC"
	}
	const clear = `WITH old AS (
			DELETE FROM problem_kpi k USING problems p WHERE k.problem_id = $1 AND p.id = $1 AND p.seq <= $2
			RETURNING k.dimension, k.key, k.due_at, k.on_time),
		gone AS (SELECT dimension, (due_at AT TIME ZONE $3)::date AS day, key, count(*)::int AS due,
			(count(*) FILTER (WHERE on_time))::int AS on_time FROM old GROUP BY 1, 2, 3)
		UPDATE problem_kpi_daily d SET due = d.due - g.due, on_time = d.on_time - g.on_time
		FROM gone g WHERE d.dimension = g.dimension AND d.day = g.day AND d.key = g.key`
	b.Queue(clear, p.ID, p.Seq, tz)
	const kpi = `INSERT INTO problem_kpi (problem_id, dimension, key, due_at, on_time)
		SELECT $1, $2, $3, $4, $5 FROM problems WHERE id = $1 AND seq <= $6
		ON CONFLICT (problem_id, dimension, key) DO UPDATE SET due_at = excluded.due_at, on_time = excluded.on_time`
	for _, k := range r.KPI {
		b.Queue(kpi, p.ID, k.Dimension, k.Key, k.DueAt, k.OnTime, p.Seq)
	}
	const daily = `INSERT INTO problem_kpi_daily (dimension, day, key, due, on_time)
		SELECT k.dimension, (k.due_at AT TIME ZONE $3)::date, k.key, count(*), count(*) FILTER (WHERE k.on_time)
		FROM problem_kpi k WHERE k.problem_id = $1 AND EXISTS (SELECT 1 FROM problems WHERE id = $1 AND seq <= $2)
		GROUP BY 1, 2, 3
		ON CONFLICT (dimension, day, key) DO UPDATE SET due = problem_kpi_daily.due + excluded.due,
			on_time = problem_kpi_daily.on_time + excluded.on_time`
	b.Queue(daily, p.ID, p.Seq, tz)
	const snap = `UPDATE problems SET status = $2, departments = $3, representatives = $4, holders = $5,
		due_at = $6, original_due_at = $7, published_at = $8, solved_at = $9, closed_at = $10,
		merged_into = nullif($11, ''), reopened = $12, due_changes = $13, publications = $14, escalations = $15,
		revision = $16, seq = $17, state = $18, updated_at = now()
		WHERE id = $1 AND seq <= $17`
	b.Queue(snap, p.ID, p.Status, nonNil(p.Departments), nonNil(p.Representatives), nonNil(p.Holders),
		optTime(p.DueAt), optTime(p.OriginalDueAt), optTime(p.PublishedAt), optTime(p.SolvedAt), optTime(p.ClosedAt),
		p.MergedInto, p.Reopened, p.DueChanges, p.Publications, p.Escalations, p.Revision, p.Seq, p.State)
	const note = `INSERT INTO notifications (key, case_id, kind, recipient_id, channel, subject, body, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $5 = 'inbox' THEN now() END) ON CONFLICT (key) DO NOTHING`
	for _, n := range r.Notifications {
		b.Queue(note, n.Key, n.CaseID, n.Kind, n.Recipient, n.Channel, n.Subject, n.Body)
	}
	return tx.SendBatch(ctx, b).Close()
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Problem is the read model of a problem.
type Problem struct {
	ID              string          `json:"id"`
	Title           string          `json:"title"`
	Description     string          `json:"description"`
	Model           string          `json:"model"`
	Batch           string          `json:"batch"`
	BOMNode         string          `json:"bom_node"`
	Line            string          `json:"line"`
	Severity        string          `json:"severity"`
	RaisedBy        string          `json:"raised_by"`
	RaisedAt        time.Time       `json:"raised_at"`
	MeetingID       string          `json:"meeting_id"`
	PolicyVersion   int             `json:"policy_version"`
	Status          string          `json:"status"`
	Departments     []string        `json:"departments"`
	Representatives []string        `json:"representatives"`
	Holders         []string        `json:"holders"`
	DueAt           *time.Time      `json:"due_at"`
	OriginalDueAt   *time.Time      `json:"original_due_at"`
	PublishedAt     *time.Time      `json:"published_at"`
	SolvedAt        *time.Time      `json:"solved_at"`
	ClosedAt        *time.Time      `json:"closed_at"`
	MergedInto      string          `json:"merged_into"`
	Reopened        int             `json:"reopened"`
	DueChanges      int             `json:"due_changes"`
	Publications    int             `json:"publications"`
	Escalations     int             `json:"escalations"`
	Revision        int             `json:"revision"`
	Seq             int             `json:"seq"`
	State           json.RawMessage `json:"-"`
	UpdatedAt       time.Time       `json:"updated_at"`
}

const problemColumns = `id, title, description, model, batch, bom_node, line, severity, raised_by, raised_at,
	coalesce(meeting_id, ''), policy_version, status, departments, representatives, holders, due_at,
	original_due_at, published_at, solved_at, closed_at, coalesce(merged_into, ''), reopened, due_changes,
	publications, escalations, revision, seq, state, updated_at`

// scanProblem reads problemColumns, then the query's extra columns into extra.
func scanProblem(row pgx.Row, extra ...any) (Problem, error) {
	var p Problem
	dest := []any{&p.ID, &p.Title, &p.Description, &p.Model, &p.Batch, &p.BOMNode, &p.Line, &p.Severity,
		&p.RaisedBy, &p.RaisedAt, &p.MeetingID, &p.PolicyVersion, &p.Status, &p.Departments, &p.Representatives,
		&p.Holders, &p.DueAt, &p.OriginalDueAt, &p.PublishedAt, &p.SolvedAt, &p.ClosedAt, &p.MergedInto,
		&p.Reopened, &p.DueChanges, &p.Publications, &p.Escalations, &p.Revision, &p.Seq, &p.State, &p.UpdatedAt}
	err := row.Scan(append(dest, extra...)...)
	return p, err
}

// Problem reads one problem.
func (s *Store) Problem(ctx context.Context, id string) (Problem, error) {
	p, err := scanProblem(s.pool.QueryRow(ctx, `SELECT `+problemColumns+` FROM problems WHERE id = $1`, id))
	if err != nil {
		return Problem{}, fmt.Errorf("problem %s: %w", id, notFound(err))
	}
	return p, nil
}

// ProblemSeals reads a problem's ledger in order.
func (s *Store) ProblemSeals(ctx context.Context, id string) ([]ProblemSeal, error) {
	const q = `SELECT seq, decision, actor_id, comment, target, at FROM problem_seals WHERE problem_id = $1 ORDER BY seq`
	rows, err := s.pool.Query(ctx, q, id)
	if err != nil {
		return nil, fmt.Errorf("problem %s seals: %w", id, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ProblemSeal, error) {
		var x ProblemSeal
		err := r.Scan(&x.Seq, &x.Decision, &x.Actor, &x.Comment, &x.Target, &x.At)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("problem %s seals: %w", id, err)
	}
	return out, nil
}
