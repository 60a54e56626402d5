package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"signoff/chain"
	"signoff/ledger"
	"signoff/policy"
)

// Seeded cases are numbered SeedPrefix-SeedYear-000001 upwards: a year before the live
// numbering, so that a case the application files next never collides with them.
const (
	SeedPrefix = "EXP"
	SeedYear   = 2025
	// maxSeed keeps business numbers at six digits, which keeps their text order numeric.
	maxSeed = 999_999
	// seedChunk cases are generated together and written in one transaction.
	seedChunk = 2000
)

// Seeded describes the seeded cases in the database and people whose pages are worth measuring.
type Seeded struct {
	Created int           // cases written by this call: 0 when the database already held n
	Elapsed time.Duration // generating and writing them, and analysing the tables afterwards

	// Rows of the seeded cases now in the database.
	Cases, Seals, Lines, Copies, Done int64
	ByStatus                          map[string]int64
	Overdue                           int64 // open and overdue

	HeavySigner    UserCount // holds the most cases now: the largest to-do inbox
	HeavySubmitter UserCount // submitted the most cases
	Reviewer       UserCount // the reviewer on the most cases (a finance role: may list every case)
	Copied         UserCount // copied on the most cases
	SampleCases    []string  // case IDs spread evenly over the seeded numbers
}

// UserCount is a user and how many cases they have in some list.
type UserCount struct {
	User  string
	Cases int64
}

// SeedCases writes n realistic expense cases straight into the database with COPY, for
// measuring pages against a database of production size.
//
// Every case is played through the real chain: its facts are routed by doc.Route, its state
// starts with chain.New and its submission seal, and each action (approvals by the current
// holders, returns and resubmissions, transfers, comments, rejections, withdrawals, the
// cashier's payment) is checked by Validate and carried out by Apply, with the workflow's
// reminders and escalations fired when due. So states, seals, statuses, assignees and
// deadlines are what production would have written. The mix is about 30% in progress at
// every step (a third of them overdue), 5% returned, 50% paid, 10% rejected and 5% withdrawn,
// submitted over the last twelve months by the staff of every department that has a budget
// line, across all authority bands, with 1–5 line items; about 10% are copied to 1–2 people.
// Every seal is in the ledger as the store writes it: it attests the case's content digest
// (package ledger) and links to the seal before it, and each content is kept in seal_contents,
// so that `signoff verify` over the seeded database does the work it does in production.
// Rows go to cases, case_lines, seals, seal_contents, budget_reservations, case_done and
// case_copies; the
// budget lines used have their totals raised by what the seeded cases reserve and consume, so
// their balance for live claims is unchanged; the (SeedPrefix, SeedYear) case counter is
// raised to n. The seeded cases are numbered SeedPrefix-SeedYear-000001 to n.
//
// It is idempotent: it counts the seeded cases already there and writes only the missing
// numbers, so a database holding n or more is left as it is (Created = 0) and an interrupted
// run is completed (each chunk of cases commits whole). Case k is the same whatever n is: its
// random choices depend only on seed and k (its times on the moment it is written).
func SeedCases(ctx context.Context, pool *pgxpool.Pool, doc *policy.Document, policyVersion int, n int, seed int64) (Seeded, error) {
	start := time.Now()
	if n < 0 || n > maxSeed {
		return Seeded{}, fmt.Errorf("seed: n must be 0 to %d", maxSeed)
	}
	pattern := fmt.Sprintf("%s-%d-%%", SeedPrefix, SeedYear)
	var have int64
	var last *string
	if err := pool.QueryRow(ctx, `SELECT count(*), max(id) FROM cases WHERE id LIKE $1`, pattern).Scan(&have, &last); err != nil {
		return Seeded{}, fmt.Errorf("seed: count: %w", err)
	}
	if last != nil {
		no, err := strconv.Atoi(strings.TrimPrefix(*last, pattern[:len(pattern)-1]))
		if err != nil || int64(no) != have {
			return Seeded{}, fmt.Errorf("seed: %d cases numbered %s up to %s: not the seeder's contiguous numbering", have, pattern, *last)
		}
	}
	var out Seeded
	if int(have) < n {
		m, err := newSeedModel(doc, policyVersion, seed, time.Now().UTC().Truncate(time.Second))
		if err != nil {
			return Seeded{}, err
		}
		if err := m.write(ctx, pool, int(have)+1, n); err != nil {
			return Seeded{}, err
		}
		out.Created = n - int(have)
		// Fresh statistics and visibility maps, as autovacuum would give a production database.
		const vacuum = `VACUUM (ANALYZE) cases, case_lines, seals, seal_contents, budget_reservations, case_done, case_copies, budget_lines`
		if _, err := pool.Exec(ctx, vacuum); err != nil {
			return Seeded{}, fmt.Errorf("seed: vacuum: %w", err)
		}
	}
	out.Elapsed = time.Since(start)
	if err := summarise(ctx, pool, doc, pattern, &out); err != nil {
		return Seeded{}, err
	}
	return out, nil
}

// write generates cases from..to on every CPU and writes them chunk by chunk, in order.
func (m *seedModel) write(ctx context.Context, pool *pgxpool.Pool, from, to int) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		from, to int
		out      chan chunkResult
	}
	var superuser bool
	if err := pool.QueryRow(ctx, `SELECT current_setting('is_superuser') = 'on'`).Scan(&superuser); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	workers := max(1, runtime.NumCPU())
	jobs := make(chan job)
	queue := make(chan job, workers) // the order chunks are written in; bounds what is in memory
	go func() {
		defer close(jobs)
		defer close(queue)
		for a := from; a <= to; a += seedChunk {
			j := job{from: a, to: min(a+seedChunk-1, to), out: make(chan chunkResult, 1)}
			select {
			case queue <- j:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			for j := range jobs {
				rows, err := m.chunk(j.from, j.to)
				j.out <- chunkResult{rows, err}
			}
		}()
	}
	for j := range queue {
		var res chunkResult
		select {
		case res = <-j.out:
		case <-ctx.Done():
			return ctx.Err()
		}
		if res.err != nil {
			return res.err
		}
		res.rows.skipFKChecks = superuser
		if err := res.rows.copy(ctx, pool); err != nil {
			return fmt.Errorf("seed cases %d-%d: %w", j.from, j.to, err)
		}
	}
	return ctx.Err()
}

type chunkResult struct {
	rows *chunkRows
	err  error
}

// chunkRows are the rows of a chunk of cases, table by table.
type chunkRows struct {
	last                                                      int  // the highest case number
	skipFKChecks                                              bool // see copy
	cases, lines, seals, contents, reservations, done, copies [][]any
	budget                                                    map[string]*budgetDelta
}

type budgetDelta struct{ reserved, consumed int64 }

var (
	caseCols = []string{"id", "kind", "title", "purpose", "category", "department_id", "budget_line_id",
		"amount", "currency", "submitter_id", "policy_version", "over_budget", "status", "current_step",
		"current_label", "assignees", "participants", "revision", "seq", "deadline", "overdue", "state",
		"paid_reference", "paid_at", "submitted_at", "updated_at", "closed_at"}
	lineCols = []string{"case_id", "line_no", "spent_on", "description", "amount", "invoice_no"}
	sealCols = []string{"case_id", "seq", "step_key", "role", "actor_id", "on_behalf_of", "decision", "comment",
		"target", "policy_version", "at", "content_digest", "prev_hash", "hash"}
	contentCols     = []string{"digest", "canonical"}
	reservationCols = []string{"case_id", "budget_line_id", "amount", "state", "updated_at"}
	doneCols        = []string{"user_id", "case_id", "acted_at"}
	copyCols        = []string{"user_id", "case_id", "copied_at"}
)

// doneDecisions are the decisions that put a case in its actor's done list (已办).
var doneDecisions = map[chain.Decision]bool{chain.DecApproved: true, chain.DecRejected: true,
	chain.DecReturned: true, chain.DecTransferred: true, chain.DecSignerAdded: true, chain.DecPaid: true}

func (m *seedModel) chunk(from, to int) (*chunkRows, error) {
	rows := &chunkRows{last: to, budget: map[string]*budgetDelta{}}
	for no := from; no <= to; no++ {
		c, err := m.generate(no)
		if err != nil {
			return nil, err
		}
		if err := rows.add(m, c); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// add turns a generated case into rows, as RecordOutcome's snapshot and CreateCase write them.
func (rows *chunkRows) add(m *seedModel, c *seedCase) error {
	st, res := c.sim.st, c.sim
	state, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("seed %s: encode state: %w", c.id, err)
	}
	var step, label string
	if cur := st.CurrentStep(); cur != nil {
		step, label = cur.Key, cur.Label
	}
	holders := st.Holders()
	if holders == nil {
		holders = []string{}
	}
	var deadline, paidAt, closedAt *time.Time
	if d := st.Deadline(); !d.IsZero() {
		deadline = &d
	}
	var paidRef *string
	if res.payment != nil {
		paidRef, paidAt = &res.payment.Reference, &res.payment.PaidAt
	}
	if !res.closed.IsZero() {
		closedAt = &res.closed
	}
	rows.cases = append(rows.cases, []any{c.id, string(policy.KindExpense), c.title, c.purpose, c.category,
		c.department, c.line, c.amount, m.doc.Currency, c.submitter, m.version, false, string(st.Status), step,
		label, holders, st.Participants, st.Revision, st.Seq, deadline, st.Overdue, state,
		paidRef, paidAt, c.submittedAt, res.last, closedAt})

	submitted := c.submittedAt.In(m.loc)
	content := ledger.Content{CaseID: c.id, Kind: string(policy.KindExpense), Title: c.title, Purpose: c.purpose,
		Category: c.category, DepartmentID: c.department, BudgetLineID: c.line, Amount: c.amount, Currency: m.doc.Currency}
	for i, l := range c.lines {
		d := time.Date(submitted.Year(), submitted.Month(), submitted.Day()-l.daysBefore, 0, 0, 0, 0, time.UTC)
		rows.lines = append(rows.lines, []any{c.id, i + 1, d, l.description, l.amount, l.invoice})
		content.Lines = append(content.Lines, ledger.Line{No: i + 1, SpentOn: d.Format(time.DateOnly),
			Description: l.description, Amount: l.amount, InvoiceNo: l.invoice})
	}
	// A seeded case's content never changes after its submission (a returned case stays
	// returned), so every seal attests the one content.
	digest := content.Digest()
	rows.contents = append(rows.contents, []any{digest, content.Canonical()})
	linked := make([]ledger.Seal, len(res.seals))
	for i, x := range res.seals {
		linked[i] = ledger.Seal{CaseID: c.id, Seq: x.Seq, StepKey: x.StepKey, Role: string(x.Role), Actor: x.Actor,
			OnBehalfOf: x.OnBehalfOf, Decision: string(x.Decision), Comment: x.Comment, Target: x.Target,
			PolicyVersion: m.version, At: ledger.Time(x.At)}
	}
	linked = ledger.Link("", digest, linked)

	done := map[string]time.Time{}
	for i, x := range res.seals {
		l := linked[i]
		rows.seals = append(rows.seals, []any{c.id, x.Seq, x.StepKey, string(x.Role), x.Actor, x.OnBehalfOf,
			string(x.Decision), x.Comment, x.Target, m.version, l.At, l.ContentDigest, l.PrevHash, l.Hash})
		if doneDecisions[x.Decision] && x.Actor != chain.SystemActor && x.Actor != chain.ConnectorActor &&
			x.At.After(done[x.Actor]) {
			done[x.Actor] = x.At
		}
	}
	for user, at := range done {
		rows.done = append(rows.done, []any{user, c.id, at})
	}

	b := rows.budget[c.line]
	if b == nil {
		b = &budgetDelta{}
		rows.budget[c.line] = b
	}
	resState, resAt := "reserved", c.submittedAt
	switch st.Status {
	case chain.StatusPaid:
		resState, resAt = "consumed", res.closed
		b.consumed += c.amount
	case chain.StatusRejected, chain.StatusWithdrawn:
		resState, resAt = "released", res.closed
	default:
		b.reserved += c.amount
	}
	rows.reservations = append(rows.reservations, []any{c.id, c.line, c.amount, resState, resAt})

	for _, u := range c.copies {
		rows.copies = append(rows.copies, []any{u, c.id, c.submittedAt})
	}
	return nil
}

// copy writes the chunk in one transaction: its cases, their rows in every table, the budget
// lines' movements and the case counter.
func (rows *chunkRows) copy(ctx context.Context, pool *pgxpool.Pool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if rows.skipFKChecks {
		// Every row of the chunk refers to a case of the chunk (or to users and budget lines of
		// the policy), so the foreign keys' per-row checks, a third of the writing time, are
		// skipped. Only a superuser may; CHECK constraints still apply.
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return fmt.Errorf("skip foreign key checks: %w", err)
		}
	}
	tables := []struct {
		name string
		cols []string
		rows [][]any
	}{
		{"cases", caseCols, rows.cases},
		{"case_lines", lineCols, rows.lines},
		{"seals", sealCols, rows.seals},
		{"seal_contents", contentCols, rows.contents},
		{"budget_reservations", reservationCols, rows.reservations},
		{"case_done", doneCols, rows.done},
		{"case_copies", copyCols, rows.copies},
	}
	for _, t := range tables {
		if len(t.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
	}
	// The totals grow by what the seeded cases hold, so the balance left for live claims stays.
	const budget = `UPDATE budget_lines SET total = total + $2 + $3, reserved = reserved + $2,
		consumed = consumed + $3 WHERE id = $1`
	for line, d := range rows.budget {
		tag, err := tx.Exec(ctx, budget, line, d.reserved, d.consumed)
		if err != nil {
			return fmt.Errorf("budget line %s: %w", line, err)
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("budget line %s: not in the database", line)
		}
	}
	const number = `INSERT INTO case_numbers (prefix, year, last) VALUES ($1, $2, $3)
		ON CONFLICT (prefix, year) DO UPDATE SET last = GREATEST(case_numbers.last, EXCLUDED.last)`
	if _, err := tx.Exec(ctx, number, SeedPrefix, SeedYear, rows.last); err != nil {
		return fmt.Errorf("case number: %w", err)
	}
	return tx.Commit(ctx)
}

// summarise counts the seeded rows and finds the people with the longest lists.
func summarise(ctx context.Context, pool *pgxpool.Pool, doc *policy.Document, pattern string, out *Seeded) error {
	counts := []struct {
		dst *int64
		q   string
	}{
		{&out.Cases, `SELECT count(*) FROM cases WHERE id LIKE $1`},
		{&out.Overdue, `SELECT count(*) FROM cases WHERE id LIKE $1 AND overdue AND closed_at IS NULL`},
		{&out.Seals, `SELECT count(*) FROM seals WHERE case_id LIKE $1`},
		{&out.Lines, `SELECT count(*) FROM case_lines WHERE case_id LIKE $1`},
		{&out.Copies, `SELECT count(*) FROM case_copies WHERE case_id LIKE $1`},
		{&out.Done, `SELECT count(*) FROM case_done WHERE case_id LIKE $1`},
	}
	for _, c := range counts {
		if err := pool.QueryRow(ctx, c.q, pattern).Scan(c.dst); err != nil {
			return fmt.Errorf("seed: %s: %w", c.q, err)
		}
	}
	rows, err := pool.Query(ctx, `SELECT status, count(*) FROM cases WHERE id LIKE $1 GROUP BY status`, pattern)
	if err != nil {
		return fmt.Errorf("seed: statuses: %w", err)
	}
	out.ByStatus = map[string]int64{}
	var status string
	var n int64
	if _, err := pgx.ForEachRow(rows, []any{&status, &n}, func() error { out.ByStatus[status] = n; return nil }); err != nil {
		return fmt.Errorf("seed: statuses: %w", err)
	}
	reviewers := doc.Holders(policy.RoleReviewer)
	top := []struct {
		dst  *UserCount
		q    string
		args []any
	}{
		{&out.HeavySigner, `SELECT u, count(*) FROM cases, unnest(assignees) u GROUP BY u ORDER BY 2 DESC, 1 LIMIT 1`, nil},
		{&out.HeavySubmitter, `SELECT submitter_id, count(*) FROM cases GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`, nil},
		{&out.Reviewer, `SELECT u, count(*) FROM cases, unnest(participants) u WHERE u = ANY($1)
			GROUP BY u ORDER BY 2 DESC, 1 LIMIT 1`, []any{reviewers}},
		{&out.Copied, `SELECT user_id, count(*) FROM case_copies GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`, nil},
	}
	for _, t := range top {
		err := pool.QueryRow(ctx, t.q, t.args...).Scan(&t.dst.User, &t.dst.Cases)
		if err != nil && err != pgx.ErrNoRows {
			return fmt.Errorf("seed: %s: %w", t.q, err)
		}
	}
	const samples = 64
	for i := range min(int(out.Cases), samples) {
		no := 1 + int(int64(i)*out.Cases/int64(min(int(out.Cases), samples)))
		out.SampleCases = append(out.SampleCases, fmt.Sprintf("%s-%d-%06d", SeedPrefix, SeedYear, no))
	}
	return nil
}
