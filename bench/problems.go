package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"signoff/kpi"
	"signoff/policy"
)

// The seeded problems are raised from ProblemsFrom to ProblemsTo (two calendar years in the
// demo policy's timezone, Asia/Shanghai), evenly spread in number order, and numbered per year of
// raising, PRB-2025-000001 upwards, as CreateProblem numbers them.
var (
	ProblemsFrom = time.Date(2025, 1, 1, 0, 0, 0, 0, shanghai)
	ProblemsTo   = time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

const (
	// maxProblems keeps each year's numbers at six digits.
	maxProblems = 1_900_000
	// problemChunk problems are generated together and written in one transaction.
	problemChunk = 5000
	// problemDispatcher screens (publishes, rejects, merges) and verifies for the center.
	problemDispatcher = "liu.yang"
)

// problemDepartments are the demo departments with their registry representatives (engineering
// has two) and how often each is responsible, in relative weight.
var problemDepartments = []struct {
	id     string
	reps   []string
	weight int
}{
	{"production", []string{"tian.yu"}, 30},
	{"quality", []string{"lu.qing"}, 22},
	{"engineering", []string{"huang.lei", "xu.jing"}, 20},
	{"warehouse", []string{"he.ping"}, 12},
	{"sales", []string{"li.na"}, 8},
	{"finance", []string{"zhou.jie"}, 8},
}

// problemSeverities are the demo severities, their working time to the due date and their share
// in percent.
var problemSeverities = []struct {
	id  string
	due time.Duration
	pct int
}{{"urgent", 8 * time.Hour, 6}, {"high", 16 * time.Hour, 22}, {"normal", 40 * time.Hour, 50}, {"low", 80 * time.Hour, 22}}

// problemRaisers are the people who raise problems: representatives, leaders and the dispatcher.
var problemRaisers = []string{"tian.yu", "lu.qing", "huang.lei", "xu.jing", "he.ping", "ma.jun", "cao.min", "liu.yang"}

var (
	problemModels = []string{"XH-7", "XH-9", "XH-11", "ZK-3", "ZK-5"}
	problemLines  = []string{"总装一线", "总装二线", "机加车间", "表面处理", "试验站", "库房"}
	problemBOM    = []string{"1.2.3 机匣组件", "2.1 支架", "3.4 线束", "1.1 壳体", "4.2 电路板", "5.0 包装"}
	problemTitles = []string{"扭矩超差", "定位销磨损", "来料尺寸超差", "焊点虚焊", "批次文件缺失", "试验数据异常",
		"缺料待料", "图纸版本不一致", "包装破损", "外协件延期"}
)

// problemCols, problemSealCols and problemKPICols are the columns the seeder writes.
var (
	problemCols = []string{"id", "title", "description", "model", "batch", "bom_node", "line", "severity",
		"raised_by", "raised_at", "policy_version", "status", "departments", "representatives", "holders",
		"due_at", "original_due_at", "published_at", "solved_at", "closed_at", "merged_into", "reopened",
		"due_changes", "publications", "escalations", "revision", "seq", "updated_at"}
	problemSealCols = []string{"problem_id", "seq", "decision", "actor_id", "comment", "target", "at"}
	problemKPICols  = []string{"problem_id", "dimension", "key", "due_at", "on_time"}
)

// SeededProblems describes the seeded problems in the database.
type SeededProblems struct {
	Created  int           // problems written by this call: 0 when the database already held n
	Elapsed  time.Duration // generating and writing them, and analysing the tables afterwards
	Problems int64
	Seals    int64
	KPIRows  int64
	ByStatus map[string]int64
	// Sizes are the on-disk sizes of the three tables, indexes included, in bytes.
	Sizes map[string]int64
}

// SeedProblems writes n realistic production problems (problems, problem_seals, problem_kpi)
// with COPY, for measuring the completion rate over a database of production size.
//
// Problems are raised over 2025 and 2026 (ProblemsFrom to ProblemsTo), in number order, by
// representatives, leaders and the dispatcher; severities urgent 6 %, high 22 %, normal 50 %,
// low 22 %. 1.5 % are still waiting for screening, 4 % are rejected as invalid and 3 % merged into
// an earlier problem (none of these has KPI rows); the rest are published within working hours to
// one department (75 %) or two, with their registry representatives, due after the severity's
// working time on the demo calendar. About 85 % of all problems are closed: most on time (a few
// exactly at the due time), about a fifth late (a few one second late); 6 % of those solved had a
// verification refused first (reopened), and then close late half the time. 5 % have their due
// date moved (with a reason), 2 % are re-published to another department, urgent ones are
// escalated at publication and late ones at their due time. The rest are in progress or solved
// awaiting verification. The problem_kpi rows are those kpi.Fact.Counted and
// kpi.Fact.ClosedOnTime give, as the worker writes them. The state column is left NULL: the
// figures do not read it.
//
// Problem k's random choices depend only on seed, k and n. A database holding n or more problems
// is left as it is (Created = 0); one holding fewer has its problems replaced (the tables are
// truncated, with what refers to them: this is for a database of its own).
func SeedProblems(ctx context.Context, pool *pgxpool.Pool, doc *policy.Document, policyVersion, n int, seed int64) (SeededProblems, error) {
	start := time.Now()
	if n < 0 || n > maxProblems {
		return SeededProblems{}, fmt.Errorf("seed problems: n must be 0 to %d", maxProblems)
	}
	var have int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM problems`).Scan(&have); err != nil {
		return SeededProblems{}, fmt.Errorf("seed problems: count: %w", err)
	}
	var out SeededProblems
	if int(have) < n {
		if have > 0 {
			if err := truncateProblems(ctx, pool); err != nil {
				return SeededProblems{}, fmt.Errorf("seed problems: truncate: %w", err)
			}
		}
		g := newProblemGen(doc, policyVersion, n, seed)
		if err := g.write(ctx, pool); err != nil {
			return SeededProblems{}, err
		}
		out.Created = n
		// The daily counts the completion rate sums, as RecordProblem keeps them.
		const daily = `INSERT INTO problem_kpi_daily (dimension, day, key, due, on_time)
			SELECT dimension, (due_at AT TIME ZONE $1)::date, key, count(*), count(*) FILTER (WHERE on_time)
			FROM problem_kpi GROUP BY 1, 2, 3`
		if _, err := pool.Exec(ctx, daily, doc.Calendar.Timezone); err != nil {
			return SeededProblems{}, fmt.Errorf("seed problems: daily counts: %w", err)
		}
		if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) problems, problem_seals, problem_kpi, problem_kpi_daily`); err != nil {
			return SeededProblems{}, fmt.Errorf("seed problems: vacuum: %w", err)
		}
	}
	out.Elapsed = time.Since(start)
	return out, summariseProblems(ctx, pool, &out)
}

func summariseProblems(ctx context.Context, pool *pgxpool.Pool, out *SeededProblems) error {
	for _, c := range []struct {
		dst *int64
		q   string
	}{
		{&out.Problems, `SELECT count(*) FROM problems`},
		{&out.Seals, `SELECT count(*) FROM problem_seals`},
		{&out.KPIRows, `SELECT count(*) FROM problem_kpi`},
	} {
		if err := pool.QueryRow(ctx, c.q).Scan(c.dst); err != nil {
			return fmt.Errorf("seed problems: %s: %w", c.q, err)
		}
	}
	rows, err := pool.Query(ctx, `SELECT status, count(*) FROM problems GROUP BY status`)
	if err != nil {
		return fmt.Errorf("seed problems: statuses: %w", err)
	}
	out.ByStatus = map[string]int64{}
	var st string
	var k int64
	if _, err := pgx.ForEachRow(rows, []any{&st, &k}, func() error { out.ByStatus[st] = k; return nil }); err != nil {
		return fmt.Errorf("seed problems: statuses: %w", err)
	}
	out.Sizes = map[string]int64{}
	for _, t := range []string{"problems", "problem_seals", "problem_kpi"} {
		var size int64
		if err := pool.QueryRow(ctx, `SELECT pg_total_relation_size($1::regclass)`, t).Scan(&size); err != nil {
			return fmt.Errorf("seed problems: size of %s: %w", t, err)
		}
		out.Sizes[t] = size
	}
	return nil
}

// problemGen generates the problems; read by every generator goroutine.
type problemGen struct {
	cal      policy.Calendar
	version  int
	n        int
	seed     int64
	first26  int // the first number raised in 2026
	deptCum  []int
	deptSum  int
	yearEdge time.Time
}

func newProblemGen(doc *policy.Document, version, n int, seed int64) *problemGen {
	g := &problemGen{cal: doc.Calendar, version: version, n: n, seed: seed,
		yearEdge: time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai)}
	for _, d := range problemDepartments {
		g.deptSum += d.weight
		g.deptCum = append(g.deptCum, g.deptSum)
	}
	// Raising times grow with the number, so the first of 2026 is found by bisection.
	lo, hi := 1, n+1
	for lo < hi {
		mid := (lo + hi) / 2
		if g.raisedAt(mid, g.rng(mid)).Before(g.yearEdge) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	g.first26 = lo
	return g
}

func (g *problemGen) rng(k int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(g.seed), uint64(k)))
}

// raisedAt is problem k's raising time: somewhere in its own slot of the two years. It is the
// first draw of k's generator.
func (g *problemGen) raisedAt(k int, r *rand.Rand) time.Time {
	slot := ProblemsTo.Sub(ProblemsFrom) / time.Duration(g.n)
	return ProblemsFrom.Add(time.Duration(k-1)*slot + time.Duration(r.Int64N(int64(max(slot, 1))))).Truncate(time.Second)
}

func (g *problemGen) id(k int) string {
	if k < g.first26 {
		return fmt.Sprintf("PRB-2025-%06d", k)
	}
	return fmt.Sprintf("PRB-2026-%06d", k-g.first26+1)
}

// genProblem is one generated problem: its row, seals and KPI rows.
type genProblem struct {
	row   []any
	seals []genSeal
	kpi   [][]any
	fact  kpi.Fact
}

type genSeal struct {
	decision, actor, comment, target string
	at                               time.Time
}

type assignment struct{ depts, reps []string }

func (g *problemGen) assign(r *rand.Rand, not string) assignment {
	var a assignment
	count := 1
	if r.IntN(100) < 25 {
		count = 2
	}
	for len(a.depts) < count {
		x := r.IntN(g.deptSum)
		i, _ := slices.BinarySearch(g.deptCum, x+1)
		d := problemDepartments[i]
		if d.id == not || slices.Contains(a.depts, d.id) {
			continue
		}
		a.depts = append(a.depts, d.id)
		if len(d.reps) > 1 && r.IntN(100) < 30 {
			a.reps = append(a.reps, d.reps...)
		} else {
			a.reps = append(a.reps, d.reps[r.IntN(len(d.reps))])
		}
	}
	return a
}

func (a assignment) String() string {
	return strings.Join(a.depts, ",") + ":" + strings.Join(a.reps, ",")
}

// generate plays problem k through its life.
func (g *problemGen) generate(k int) genProblem {
	r := g.rng(k)
	raised := g.raisedAt(k, r)
	id := g.id(k)
	sev := problemSeverities[len(problemSeverities)-1]
	for x, i := r.IntN(100), 0; i < len(problemSeverities); i++ {
		if x < problemSeverities[i].pct {
			sev = problemSeverities[i]
			break
		}
		x -= problemSeverities[i].pct
	}
	raiser := problemRaisers[r.IntN(len(problemRaisers))]
	model := problemModels[r.IntN(len(problemModels))]
	title := model + " " + problemTitles[r.IntN(len(problemTitles))]
	batch := fmt.Sprintf("B%d-%02d", raised.In(shanghai).Year(), 1+r.IntN(12))
	bom := problemBOM[r.IntN(len(problemBOM))]
	line := problemLines[r.IntN(len(problemLines))]

	f := kpi.Fact{ProblemID: id, Severity: sev.id, RaisedAt: raised, Status: kpi.StatusRaised}
	seals := []genSeal{{decision: "raised", actor: raiser, target: sev.id, at: raised}}
	var holders []string
	var a assignment
	var solvedAt time.Time
	screened := g.cal.AddWorking(raised, time.Duration(15+r.IntN(225))*time.Minute)

	switch fate := r.IntN(1000); {
	case fate < 15: // waiting for screening
		holders = []string{problemDispatcher}
	case fate < 55:
		f.Status = kpi.StatusRejected
		seals = append(seals, genSeal{decision: "rejected", actor: problemDispatcher, comment: "不属于生产问题", at: screened})
	case fate < 85 && k > 1:
		f.Status = kpi.StatusMerged
		f.MergedInto = g.id(max(1, k-1-r.IntN(min(k-1, 50))))
		seals = append(seals, genSeal{decision: "merged", actor: problemDispatcher, target: f.MergedInto, at: screened})
	default:
		a = g.assign(r, "")
		f.PublishedAt, f.Publications = screened, 1
		f.DueAt = g.cal.AddWorking(screened, sev.due)
		f.OriginalDueAt = f.DueAt
		seals = append(seals, genSeal{decision: "published", actor: problemDispatcher, target: a.String(), at: screened})
		if sev.id == "urgent" {
			seals = append(seals, genSeal{decision: "escalated", actor: "system", target: "center_director,department_leader", at: screened})
			f.EscalatedAt = append(f.EscalatedAt, screened)
		}
		window := f.DueAt.Sub(screened)
		if r.IntN(100) < 5 { // the due date is moved, mostly later
			at := screened.Add(time.Duration(r.Int64N(int64(window))))
			old := f.DueAt
			if r.IntN(4) == 0 {
				f.DueAt = g.cal.AddWorking(at, max(window/4, time.Hour))
			} else {
				f.DueAt = g.cal.AddWorking(f.DueAt, time.Duration(8+r.IntN(32))*time.Hour)
			}
			f.DueChanges = 1
			seals = append(seals, genSeal{decision: "due_changed", actor: problemDispatcher, comment: "等待外协件到货",
				target: old.UTC().Format(time.RFC3339) + "→" + f.DueAt.UTC().Format(time.RFC3339), at: at})
			window = f.DueAt.Sub(screened)
		}
		if r.IntN(100) < 2 { // re-published to another department
			at := screened.Add(time.Duration(r.Int64N(int64(max(window/2, time.Second)))))
			a = g.assign(r, a.depts[0])
			f.Publications++
			seals = append(seals, genSeal{decision: "republished", actor: problemDispatcher, target: a.String(), at: at})
		}
		f.Departments, f.Representatives = a.depts, a.reps
		rep := a.reps[0]
		// When it is solved, or would be: on time (a few exactly at the due time) or late.
		end := screened.Add(time.Duration((0.15 + 0.85*r.Float64()) * float64(window))).Truncate(time.Second)
		switch x := r.IntN(100); {
		case x < 2:
			end = f.DueAt
		case x < 3:
			end = f.DueAt.Add(time.Second)
		case x < 22:
			end = f.DueAt.Add(time.Duration(1+r.Int64N(int64(120*time.Hour/time.Second))) * time.Second)
		}
		end = maxTime(end, screened.Add(time.Minute))
		progressAt := screened.Add(end.Sub(screened) / 3)
		seals = append(seals, genSeal{decision: "progress", actor: rep, comment: "已安排处理", at: progressAt})
		reopen := r.IntN(100) < 6
		if reopen { // reported solved, refused, solved again: late half the time
			first := screened.Add(end.Sub(screened) / 2)
			seals = append(seals, genSeal{decision: "solved", actor: rep, at: first},
				genSeal{decision: "refused", actor: raiser, comment: "复测仍超差", at: first.Add(time.Hour)})
			f.Reopened = 1
			if r.IntN(2) == 0 {
				end = maxTime(end, f.DueAt).Add(time.Duration(1+r.IntN(72)) * time.Hour)
			} else {
				end = maxTime(end, first.Add(2*time.Hour))
			}
		}
		switch open := r.IntN(1000); {
		case open < 50: // in progress
			f.Status = kpi.StatusInProgress
			holders = a.reps
		case open < 70: // solved, awaiting verification
			f.Status, solvedAt = kpi.StatusSolved, end
			seals = append(seals, genSeal{decision: "solved", actor: rep, at: end})
			holders = []string{raiser}
		default:
			f.Status = kpi.StatusClosed
			verify := end
			if r.IntN(2) == 0 && !end.Equal(f.DueAt) && !end.Equal(f.DueAt.Add(time.Second)) {
				solved := end.Add(-time.Duration(r.IntN(int(max(end.Sub(screened)/4, time.Second)/time.Second))) * time.Second)
				seals = append(seals, genSeal{decision: "solved", actor: rep, at: solved})
				solvedAt = solved
			} else {
				seals = append(seals, genSeal{decision: "solved", actor: rep, at: end})
				solvedAt = end
			}
			f.ClosedAt = verify
			seals = append(seals, genSeal{decision: "verified", actor: raiser, at: verify})
		}
		// Late: the ladder's first rung at the due time, the second 8 working hours later.
		if last := f.ClosedAt; f.Status == kpi.StatusClosed && last.After(f.DueAt) || f.Status != kpi.StatusClosed && end.After(f.DueAt) {
			if last.IsZero() {
				last = end
			}
			seals = append(seals, genSeal{decision: "escalated", actor: "system", target: "center_director", at: f.DueAt})
			f.EscalatedAt = append(f.EscalatedAt, f.DueAt)
			if second := g.cal.AddWorking(f.DueAt, 8*time.Hour); second.Before(last) {
				seals = append(seals, genSeal{decision: "escalated", actor: "system", target: "department_leader", at: second})
				f.EscalatedAt = append(f.EscalatedAt, second)
			}
		}
	}
	slices.SortStableFunc(seals, func(x, y genSeal) int { return x.at.Compare(y.at) })
	f.Escalations = len(f.EscalatedAt)

	p := genProblem{seals: seals, fact: f}
	p.row = []any{id, title, title + "，详见附件", model, batch, bom, line, sev.id, raiser, raised, g.version,
		f.Status, nonNilStrings(f.Departments), nonNilStrings(f.Representatives), nonNilStrings(holders),
		optional(f.DueAt), optional(f.OriginalDueAt), optional(f.PublishedAt), optional(solvedAt),
		optional(f.ClosedAt), optionalString(f.MergedInto), f.Reopened, f.DueChanges, f.Publications,
		f.Escalations, len(seals), len(seals), seals[len(seals)-1].at}
	if f.Counted() {
		on := f.ClosedOnTime()
		p.kpi = append(p.kpi, []any{id, "center", "", f.DueAt, on})
		for _, d := range f.Departments {
			p.kpi = append(p.kpi, []any{id, "department", d, f.DueAt, on})
		}
		for _, x := range f.Representatives {
			p.kpi = append(p.kpi, []any{id, "representative", x, f.DueAt, on})
		}
	}
	return p
}

// ProblemFacts generates the facts of n problems as SeedProblems writes them, for checking.
func ProblemFacts(doc *policy.Document, n int, seed int64) []kpi.Fact {
	g := newProblemGen(doc, 0, n, seed)
	out := make([]kpi.Fact, n)
	for k := 1; k <= n; k++ {
		out[k-1] = g.generate(k).fact
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func nonNilStrings(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func optional(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type problemChunkRows struct {
	problems, seals, kpi [][]any
	last                 int
	err                  error
}

func (g *problemGen) chunk(from, to int) *problemChunkRows {
	c := &problemChunkRows{last: to}
	for k := from; k <= to; k++ {
		p := g.generate(k)
		c.problems = append(c.problems, p.row)
		id := p.row[0]
		for i, s := range p.seals {
			c.seals = append(c.seals, []any{id, i + 1, s.decision, s.actor, s.comment, s.target, s.at})
		}
		c.kpi = append(c.kpi, p.kpi...)
	}
	return c
}

// write generates the problems on every CPU and writes them chunk by chunk, in order.
func (g *problemGen) write(ctx context.Context, pool *pgxpool.Pool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var superuser bool
	if err := pool.QueryRow(ctx, `SELECT current_setting('is_superuser') = 'on'`).Scan(&superuser); err != nil {
		return fmt.Errorf("seed problems: %w", err)
	}
	type job struct {
		from, to int
		out      chan *problemChunkRows
	}
	workers := max(1, runtime.NumCPU())
	jobs := make(chan job)
	queue := make(chan job, workers)
	go func() {
		defer close(jobs)
		defer close(queue)
		for a := 1; a <= g.n; a += problemChunk {
			j := job{from: a, to: min(a+problemChunk-1, g.n), out: make(chan *problemChunkRows, 1)}
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
				j.out <- g.chunk(j.from, j.to)
			}
		}()
	}
	for j := range queue {
		var c *problemChunkRows
		select {
		case c = <-j.out:
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := g.copy(ctx, pool, c, superuser); err != nil {
			return fmt.Errorf("seed problems %d-%d: %w", j.from, j.to, err)
		}
	}
	return ctx.Err()
}

// copy writes a chunk in one transaction, and raises the PRB numbers so that live problems
// number after the seeded ones.
func (g *problemGen) copy(ctx context.Context, pool *pgxpool.Pool, c *problemChunkRows, superuser bool) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if superuser {
		// Every row refers to problems written before it or to the policy's users: the per-row
		// foreign key checks are skipped (the test checks them).
		if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return fmt.Errorf("skip foreign key checks: %w", err)
		}
	}
	for _, t := range []struct {
		name string
		cols []string
		rows [][]any
	}{
		{"problems", problemCols, c.problems},
		{"problem_seals", problemSealCols, c.seals},
		{"problem_kpi", problemKPICols, c.kpi},
	} {
		if len(t.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
	}
	const number = `INSERT INTO case_numbers (prefix, year, last) VALUES ('PRB', $1, $2)
		ON CONFLICT (prefix, year) DO UPDATE SET last = GREATEST(case_numbers.last, EXCLUDED.last)`
	counters := [][2]int{{2025, min(c.last, g.first26-1)}}
	if c.last >= g.first26 {
		counters = append(counters, [2]int{2026, c.last - g.first26 + 1})
	}
	for _, x := range counters {
		if x[1] <= 0 {
			continue
		}
		if _, err := tx.Exec(ctx, number, x[0], x[1]); err != nil {
			return fmt.Errorf("problem number: %w", err)
		}
	}
	return tx.Commit(ctx)
}

// truncateProblems empties the problem tables of a benchmark's own database. The problem ledger
// is append-only (migration 00015), so its guard is lifted for the one statement, in a
// transaction: this takes the tables' owner, as the seeder runs.
func truncateProblems(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		for _, q := range []string{
			`ALTER TABLE problem_seals DISABLE TRIGGER problem_seals_no_truncate`,
			`TRUNCATE problem_kpi_daily, problem_kpi, problem_seals, problems CASCADE`,
			`ALTER TABLE problem_seals ENABLE TRIGGER problem_seals_no_truncate`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}
