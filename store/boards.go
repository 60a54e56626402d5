package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/kpi"
)

// The boards' figures (看板), computed in SQL with the definitions of the kpi package's pure
// functions (kpi/board.go): a problem counts when it was published (it has a due date) and was
// neither rejected nor merged; it is open at an instant when it was published by then and its
// status is in_progress or solved (reported solved, not yet verified, is open). The instant
// figures are meant for the present: a closed problem's closure is in the past.

// countedOpen selects the counted problems open at $1.
const countedOpen = `status IN ('in_progress', 'solved') AND merged_into IS NULL AND due_at IS NOT NULL
	AND published_at IS NOT NULL AND published_at <= $1`

// countedClosed selects the counted problems closed in [$1, $2).
const countedClosed = `status = 'closed' AND merged_into IS NULL AND due_at IS NOT NULL AND published_at IS NOT NULL
	AND closed_at >= $1 AND closed_at < $2`

// OpenSummary is the open problems at an instant: by severity (kpi.OpenBySeverity), how many
// are overdue (kpi.Overdue) and their ages (kpi.Ageing).
type OpenSummary struct {
	BySeverity []kpi.Count
	Overdue    int
	Ages       kpi.Ages
}

// OpenProblems reads the open problems at an instant; the partial index problems_open serves it.
func (s *Store) OpenProblems(ctx context.Context, at time.Time) (OpenSummary, error) {
	q := `SELECT severity, count(*)::int,
			count(*) FILTER (WHERE due_at < $1)::int,
			count(*) FILTER (WHERE published_at > $1::timestamptz - interval '24 hours')::int,
			count(*) FILTER (WHERE published_at <= $1::timestamptz - interval '24 hours'
				AND published_at > $1::timestamptz - interval '72 hours')::int,
			count(*) FILTER (WHERE published_at <= $1::timestamptz - interval '72 hours'
				AND published_at > $1::timestamptz - interval '168 hours')::int,
			count(*) FILTER (WHERE published_at <= $1::timestamptz - interval '168 hours')::int
		FROM problems WHERE ` + countedOpen + ` GROUP BY severity ORDER BY severity`
	rows, err := s.pool.Query(ctx, q, at)
	if err != nil {
		return OpenSummary{}, fmt.Errorf("open problems: %w", err)
	}
	defer rows.Close()
	out := OpenSummary{BySeverity: []kpi.Count{}}
	for rows.Next() {
		var c kpi.Count
		var overdue, a, b, d, e int
		if err := rows.Scan(&c.Key, &c.N, &overdue, &a, &b, &d, &e); err != nil {
			return OpenSummary{}, fmt.Errorf("open problems: %w", err)
		}
		out.BySeverity = append(out.BySeverity, c)
		out.Overdue += overdue
		out.Ages.UnderOneDay += a
		out.Ages.OneToThreeDays += b
		out.Ages.ThreeToSevenDays += d
		out.Ages.SevenDaysOrMore += e
	}
	if err := rows.Err(); err != nil {
		return OpenSummary{}, fmt.Errorf("open problems: %w", err)
	}
	return out, nil
}

// DepartmentOpen is the open problems of one responsible department and severity at an instant.
// A problem of two departments counts in each.
type DepartmentOpen struct {
	Department string `json:"department"`
	Severity   string `json:"severity"`
	Open       int    `json:"open"`
	Overdue    int    `json:"overdue"` // of Open, due before the instant
}

// OpenByDepartment counts the open and overdue problems by responsible department and severity.
func (s *Store) OpenByDepartment(ctx context.Context, at time.Time) ([]DepartmentOpen, error) {
	q := `SELECT d.dept, p.severity, count(*)::int, count(*) FILTER (WHERE p.due_at < $1)::int
		FROM problems p CROSS JOIN LATERAL (SELECT DISTINCT x AS dept FROM unnest(p.departments) x WHERE x <> '') d
		WHERE ` + countedOpenAs("p") + ` GROUP BY d.dept, p.severity ORDER BY d.dept, p.severity`
	rows, err := s.pool.Query(ctx, q, at)
	if err != nil {
		return nil, fmt.Errorf("open by department: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (DepartmentOpen, error) {
		var x DepartmentOpen
		err := r.Scan(&x.Department, &x.Severity, &x.Open, &x.Overdue)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("open by department: %w", err)
	}
	return out, nil
}

func countedOpenAs(alias string) string {
	return fmt.Sprintf(`%[1]s.status IN ('in_progress', 'solved') AND %[1]s.merged_into IS NULL AND %[1]s.due_at IS NOT NULL
	AND %[1]s.published_at IS NOT NULL AND %[1]s.published_at <= $1`, alias)
}

// EscalationsPerDay counts the escalations (problem_seals decision 'escalated') of counted
// problems in [from, to), by calendar day in loc (2006-01-02), oldest first; days without
// escalations are left out. Their sum is kpi.Escalations over the period.
func (s *Store) EscalationsPerDay(ctx context.Context, from, to time.Time, loc *time.Location) ([]kpi.Count, error) {
	const q = `SELECT to_char(s.at AT TIME ZONE $3, 'YYYY-MM-DD') AS day, count(*)::int
		FROM problem_seals s JOIN problems p ON p.id = s.problem_id
		WHERE s.decision = 'escalated' AND s.at >= $1 AND s.at < $2
			AND p.status NOT IN ('rejected', 'merged') AND p.merged_into IS NULL AND p.due_at IS NOT NULL
		GROUP BY day ORDER BY day`
	rows, err := s.pool.Query(ctx, q, from, to, loc.String())
	if err != nil {
		return nil, fmt.Errorf("escalations per day: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kpi.Count, error) {
		var x kpi.Count
		err := r.Scan(&x.Key, &x.N)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("escalations per day: %w", err)
	}
	return out, nil
}

// TimeToClose sums closed_at − published_at over the counted problems closed in [from, to)
// (kpi.TimeToClose); the index problems_closed serves it.
func (s *Store) TimeToClose(ctx context.Context, from, to time.Time) (kpi.CloseTime, error) {
	q := `SELECT count(*)::int, coalesce(sum(round(extract(epoch FROM closed_at - published_at) * 1000000)), 0)::bigint
		FROM problems WHERE ` + countedClosed
	var c kpi.CloseTime
	var micros int64
	if err := s.pool.QueryRow(ctx, q, from, to).Scan(&c.Closed, &micros); err != nil {
		return kpi.CloseTime{}, fmt.Errorf("time to close: %w", err)
	}
	c.Total = time.Duration(micros) * time.Microsecond
	return c, nil
}

// CenterTrend is the center's completion rate in each period (kpi.Trend for the center): the
// counted problems due in it and those closed on time, from problem_kpi. Each Rate's Key is its
// period's start date in the period's location.
func (s *Store) CenterTrend(ctx context.Context, periods []kpi.Period) ([]kpi.Rate, error) {
	froms, tos := make([]time.Time, len(periods)), make([]time.Time, len(periods))
	for i, p := range periods {
		froms[i], tos[i] = p.From, p.To
	}
	const q = `SELECT w.i::int, count(k.problem_id)::int, count(k.problem_id) FILTER (WHERE k.on_time)::int
		FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS w(f, t, i)
		LEFT JOIN problem_kpi k ON k.dimension = 'center' AND k.due_at >= w.f AND k.due_at < w.t
		GROUP BY w.i ORDER BY w.i`
	rows, err := s.pool.Query(ctx, q, froms, tos)
	if err != nil {
		return nil, fmt.Errorf("center trend: %w", err)
	}
	defer rows.Close()
	out := make([]kpi.Rate, len(periods))
	for i, p := range periods {
		out[i].Key = p.From.Format("2006-01-02")
	}
	for rows.Next() {
		var i, due, onTime int
		if err := rows.Scan(&i, &due, &onTime); err != nil {
			return nil, fmt.Errorf("center trend: %w", err)
		}
		out[i-1].Due, out[i-1].OnTime = due, onTime
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("center trend: %w", err)
	}
	return out, nil
}

// ModelFigures are one model's (型号) figures: open and overdue at an instant, closed in a
// period, and the completion rate of the period (problems due in it, closed on time).
type ModelFigures struct {
	Model   string `json:"model"`
	Open    int    `json:"open"`
	Overdue int    `json:"overdue"`
	Closed  int    `json:"closed"`
	Due     int    `json:"due"`
	OnTime  int    `json:"on_time"`
}

// ModelBoard reads the figures of every model with an open problem, a closure in [from, to) or a
// problem due in it; problems without a model are left out.
func (s *Store) ModelBoard(ctx context.Context, at, from, to time.Time) ([]ModelFigures, error) {
	q := `WITH open AS (
			SELECT model, count(*)::int AS open, count(*) FILTER (WHERE due_at < $1)::int AS overdue
			FROM problems WHERE model <> '' AND ` + countedOpen + ` GROUP BY model),
		closed AS (
			SELECT model, count(*)::int AS closed FROM problems
			WHERE model <> '' AND status = 'closed' AND merged_into IS NULL AND due_at IS NOT NULL
				AND published_at IS NOT NULL AND closed_at >= $2 AND closed_at < $3 GROUP BY model),
		due AS (
			SELECT p.model, count(*)::int AS due, count(*) FILTER (WHERE k.on_time)::int AS on_time
			FROM problem_kpi k JOIN problems p ON p.id = k.problem_id
			WHERE k.dimension = 'center' AND k.due_at >= $2 AND k.due_at < $3 AND p.model <> '' GROUP BY p.model)
		SELECT m.model, coalesce(o.open, 0), coalesce(o.overdue, 0), coalesce(c.closed, 0),
			coalesce(d.due, 0), coalesce(d.on_time, 0)
		FROM (SELECT model FROM open UNION SELECT model FROM closed UNION SELECT model FROM due) m
		LEFT JOIN open o USING (model) LEFT JOIN closed c USING (model) LEFT JOIN due d USING (model)
		ORDER BY m.model`
	rows, err := s.pool.Query(ctx, q, at, from, to)
	if err != nil {
		return nil, fmt.Errorf("model board: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ModelFigures, error) {
		var x ModelFigures
		err := r.Scan(&x.Model, &x.Open, &x.Overdue, &x.Closed, &x.Due, &x.OnTime)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("model board: %w", err)
	}
	return out, nil
}

// NodeFigures are the open and overdue problems at an instant of one batch (批次) and BOM node.
type NodeFigures struct {
	Batch   string `json:"batch"`
	BOMNode string `json:"bom_node"`
	Open    int    `json:"open"`
	Overdue int    `json:"overdue"`
}

// ExecutionBoard counts the open and overdue problems by batch and BOM node (the node may be
// empty); problems without a batch are left out.
func (s *Store) ExecutionBoard(ctx context.Context, at time.Time) ([]NodeFigures, error) {
	q := `SELECT batch, bom_node, count(*)::int, count(*) FILTER (WHERE due_at < $1)::int
		FROM problems WHERE batch <> '' AND ` + countedOpen + ` GROUP BY batch, bom_node ORDER BY batch, bom_node`
	rows, err := s.pool.Query(ctx, q, at)
	if err != nil {
		return nil, fmt.Errorf("execution board: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (NodeFigures, error) {
		var x NodeFigures
		err := r.Scan(&x.Batch, &x.BOMNode, &x.Open, &x.Overdue)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("execution board: %w", err)
	}
	return out, nil
}
