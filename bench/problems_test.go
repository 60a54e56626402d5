package bench_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"signoff/bench"
	"signoff/kpi"
	"signoff/policy"
	"signoff/testkit"
)

const problemN = 2000

func TestSeedProblems(t *testing.T) {
	db := testkit.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	doc := policy.Demo()

	s, err := bench.SeedProblems(ctx, pool, doc, db.Version, problemN, 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.Created != problemN || s.Problems != problemN {
		t.Fatalf("seeded %+v", s)
	}
	again, err := bench.SeedProblems(ctx, pool, doc, db.Version, problemN, 3)
	if err != nil || again.Created != 0 || again.Problems != problemN {
		t.Fatalf("a second seed must write nothing: %+v, %v", again, err)
	}
	t.Logf("seeded %+v", s)

	q := func(sql string, args ...any) int64 {
		t.Helper()
		var n int64
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return n
	}

	t.Run("mix", func(t *testing.T) {
		share := func(st string) float64 { return float64(s.ByStatus[st]) / float64(s.Problems) }
		for _, c := range []struct {
			status string
			lo, hi float64
		}{{"closed", 0.80, 0.90}, {"rejected", 0.02, 0.06}, {"merged", 0.015, 0.05}, {"in_progress", 0.02, 0.08},
			{"solved", 0.005, 0.04}, {"raised", 0.003, 0.03}} {
			if g := share(c.status); g < c.lo || g > c.hi {
				t.Errorf("%s: %.1f%%, want %.1f–%.1f%%", c.status, 100*g, 100*c.lo, 100*c.hi)
			}
		}
		late := q(`SELECT count(*) FROM problems WHERE status = 'closed' AND closed_at > due_at`)
		if late == 0 || late > s.ByStatus["closed"]/3 {
			t.Errorf("%d of %d closed late", late, s.ByStatus["closed"])
		}
		for name, sql := range map[string]string{
			"closed exactly at the due time": `SELECT count(*) FROM problems WHERE closed_at = due_at`,
			"closed one second late":         `SELECT count(*) FROM problems WHERE closed_at = due_at + interval '1 second'`,
			"reopened":                       `SELECT count(*) FROM problems WHERE reopened > 0`,
			"due moved":                      `SELECT count(*) FROM problems WHERE due_changes > 0 AND due_at <> original_due_at`,
			"re-published":                   `SELECT count(*) FROM problems WHERE publications > 1`,
			"two departments":                `SELECT count(*) FROM problems WHERE cardinality(departments) = 2`,
			"escalated":                      `SELECT count(*) FROM problem_seals WHERE decision = 'escalated'`,
		} {
			if q(sql) == 0 {
				t.Errorf("none %s", name)
			}
		}
		if bad := q(`SELECT count(*) FROM problems WHERE raised_at < '2025-01-01T00:00:00+08' OR raised_at >= '2027-01-01T00:00:00+08'`); bad != 0 {
			t.Errorf("%d problems raised outside 2025–2026", bad)
		}
	})

	t.Run("seals", func(t *testing.T) {
		bad := q(`SELECT count(*) FROM problems p LEFT JOIN LATERAL (SELECT count(*) n, min(seq) lo, max(seq) hi
			FROM problem_seals s WHERE s.problem_id = p.id) x ON true
			WHERE x.n <> p.seq OR x.lo <> 1 OR x.hi <> p.seq`)
		if bad != 0 {
			t.Errorf("%d problems whose seals are not numbered 1..seq", bad)
		}
		if back := q(`SELECT count(*) FROM problem_seals a JOIN problem_seals b ON b.problem_id = a.problem_id AND b.seq = a.seq + 1
			WHERE b.at < a.at`); back != 0 {
			t.Errorf("%d seals dated before the seal they follow", back)
		}
		if first := q(`SELECT count(*) FROM problem_seals WHERE seq = 1 AND decision <> 'raised'`); first != 0 {
			t.Errorf("%d problems whose first seal is not raised", first)
		}
		for _, d := range []string{"published", "verified"} {
			if n := q(`SELECT count(*) FROM problem_seals WHERE decision = $1`, d); n == 0 {
				t.Errorf("no %s seal", d)
			}
		}
		if bad := q(`SELECT count(*) FROM problems p WHERE status = 'closed' AND closed_at <>
			(SELECT max(at) FROM problem_seals s WHERE s.problem_id = p.id AND decision = 'verified')`); bad != 0 {
			t.Errorf("%d closed problems whose closing time is not their verification", bad)
		}
	})

	t.Run("foreign keys", func(t *testing.T) {
		for _, c := range []string{
			`SELECT count(*) FROM problem_seals x WHERE NOT EXISTS (SELECT 1 FROM problems p WHERE p.id = x.problem_id)`,
			`SELECT count(*) FROM problem_kpi x WHERE NOT EXISTS (SELECT 1 FROM problems p WHERE p.id = x.problem_id)`,
			`SELECT count(*) FROM problems x WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x.raised_by)
				OR NOT EXISTS (SELECT 1 FROM policy_versions v WHERE v.version = x.policy_version)
				OR (x.merged_into IS NOT NULL AND NOT EXISTS (SELECT 1 FROM problems m WHERE m.id = x.merged_into))`,
			`SELECT count(*) FROM problems p, unnest(p.representatives || p.holders) r WHERE NOT EXISTS
				(SELECT 1 FROM users u WHERE u.id = r)`,
		} {
			if n := q(c); n != 0 {
				t.Errorf("%d rows break a reference: %s", n, c)
			}
		}
		if n := q(`SELECT count(*) FROM problem_kpi k JOIN problems p ON p.id = k.problem_id WHERE p.status IN ('rejected', 'merged', 'raised')`); n != 0 {
			t.Errorf("%d KPI rows of problems that do not count", n)
		}
	})

	// The facts as the database holds them, and as the generator made them.
	facts := readFacts(t, ctx, pool)
	gen := bench.ProblemFacts(doc, problemN, 3)
	if len(facts) != len(gen) {
		t.Fatalf("%d facts in the database, %d generated", len(facts), len(gen))
	}

	loc, err := time.LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"2025-02-10", "2025-08-01", "2026-05-20", "2026-11-30"} {
		at, _ := time.ParseInLocation("2006-01-02", day, loc)
		p := kpi.Quarter(at, loc)
		t.Run("quarter of "+day, func(t *testing.T) {
			want := kpi.Completion(facts, p)
			if g := kpi.Completion(gen, p); !slices.Equal(g.Departments, want.Departments) ||
				!slices.Equal(g.Representatives, want.Representatives) || g.Center != want.Center {
				t.Errorf("generated facts %+v, database facts %+v", g, want)
			}
			if want.Center.Due == 0 || len(want.Departments) != 6 || len(want.Representatives) != 7 {
				t.Fatalf("a quarter of seeded data counts little: %+v", want)
			}
			check := func(dim string, want []kpi.Rate) {
				t.Helper()
				got, err := db.Store.CompletionRates(ctx, dim, p.From, p.To)
				if err != nil {
					t.Fatal(err)
				}
				var rates []kpi.Rate
				for _, r := range got {
					rates = append(rates, kpi.Rate{Key: r.Key, Due: r.Due, OnTime: r.OnTime})
				}
				if !slices.Equal(rates, want) {
					t.Errorf("%s: CompletionRates %v, kpi.Completion %v", dim, rates, want)
				}
			}
			check("department", want.Departments)
			check("representative", want.Representatives)
			check("center", []kpi.Rate{want.Center})
			if want.Center.OnTime == want.Center.Due || want.Center.OnTime == 0 {
				t.Errorf("center %+v: want some on time and some not", want.Center)
			}
			var sum int
			for _, d := range want.Departments {
				sum += d.Due
			}
			if sum <= want.Center.Due {
				t.Errorf("departments sum to %d due, the center %d: no problem has two departments", sum, want.Center.Due)
			}
		})
	}
}

func readFacts(t *testing.T, ctx context.Context, pool *pgxpool.Pool) []kpi.Fact {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT id, status, severity, departments, representatives, due_at, closed_at,
		coalesce(merged_into, '') FROM problems ORDER BY raised_at`)
	if err != nil {
		t.Fatal(err)
	}
	facts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kpi.Fact, error) {
		var f kpi.Fact
		var due, closed *time.Time
		err := r.Scan(&f.ProblemID, &f.Status, &f.Severity, &f.Departments, &f.Representatives, &due, &closed, &f.MergedInto)
		if due != nil {
			f.DueAt = *due
		}
		if closed != nil {
			f.ClosedAt = *closed
		}
		return f, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return facts
}
