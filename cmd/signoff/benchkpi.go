package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"signoff/bench"
	"signoff/config"
	"signoff/demo"
	"signoff/kpi"
	"signoff/store"
)

// kpiTarget is the p95 the quarterly rates by department and by representative should stay under.
const kpiTarget = 100 * time.Millisecond

// runBenchKPI seeds a database with many production problems and measures the quarterly
// completion rate queries (store.CompletionRates) against it. Temporal is not needed.
func runBenchKPI(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("bench-kpi", flag.ContinueOnError)
	n := fs.Int("n", 1_000_000, "seeded problems the database must hold (reseeds when it holds fewer)")
	rounds := fs.Int("rounds", 200, "timed rounds; each asks all three rates for one quarter, a different one each round")
	warmup := fs.Int("warmup", 8, "untimed rounds first")
	seed := fs.Int64("seed", 1, "random seed of the generated problems")
	dbURL := fs.String("database-url", "postgres://postgres@127.0.0.1:5432/signoff_bench_kpi?sslmode=disable",
		"database to seed and measure (created if missing)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Database.URL = *dbURL
	loadBefore := loadAverage()
	s, err := openBenchDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := demo.SeedRegistry(ctx, s); err != nil {
		return err
	}
	version, doc, err := store.NewPolicies(s).Latest(ctx)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		return err
	}

	pool, err := pgxpool.New(ctx, cfg.Database.URL)
	if err != nil {
		return fmt.Errorf("connect %s: %w", redactURL(cfg.Database.URL), err)
	}
	defer pool.Close()
	log.Info("seeding", "problems", *n, "database", redactURL(cfg.Database.URL))
	seeded, err := bench.SeedProblems(ctx, pool, doc, version, *n, *seed)
	if err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `ANALYZE problems, problem_seals, problem_kpi`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}

	// The eight quarters of the seeded years, visited in a shuffled but fixed order.
	var quarters []kpi.Period
	for q := bench.ProblemsFrom; q.Before(bench.ProblemsTo); q = q.AddDate(0, 3, 0) {
		quarters = append(quarters, kpi.Quarter(q, loc))
	}
	order := []int{3, 6, 0, 5, 2, 7, 1, 4}
	queries := []struct{ name, dimension string }{
		{"quarterly rate by department", "department"},
		{"quarterly rate by representative", "representative"},
		{"quarterly rate of the center", "center"},
	}
	lat := make([][]time.Duration, len(queries))
	keys := make([]int, len(queries))
	for round := -*warmup; round < *rounds; round++ {
		p := quarters[order[(round+len(order)*(*warmup+1))%len(order)]%len(quarters)]
		for i, q := range queries {
			start := time.Now()
			rows, err := s.CompletionRates(ctx, q.dimension, p.From, p.To)
			d := time.Since(start)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				return fmt.Errorf("%s: no rows for %s", q.name, p.From.Format("2006-01-02"))
			}
			if round >= 0 {
				lat[i] = append(lat[i], d)
				keys[i] = max(keys[i], len(rows))
			}
		}
	}

	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	printMachine(ctx, out, cfg, loadBefore)
	printSeededProblems(out, seeded, *n)
	fmt.Fprintf(out, "\n%d timed rounds after %d warm-up, one query at a time; each round one of the %d quarters of 2025–2026 (%s)\n\n",
		*rounds, *warmup, len(quarters), loc)
	fmt.Fprintln(out, "| Query | n | keys | p50 | p95 | p99 | max | target p95 |")
	fmt.Fprintln(out, "|---|--:|--:|--:|--:|--:|--:|---|")
	for i, q := range queries {
		l := lat[i]
		slices.Sort(l)
		target := "—"
		if q.dimension != "center" {
			target = fmt.Sprintf("< %s", kpiTarget)
			if pct(l, 95) >= kpiTarget {
				target += " **missed**"
			} else {
				target += " met"
			}
		}
		fmt.Fprintf(out, "| %s | %d | %d | %s | %s | %s | %s | %s |\n", q.name, len(l), keys[i],
			msf(pct(l, 50)), msf(pct(l, 95)), msf(pct(l, 99)), msf(l[len(l)-1]), target)
	}
	return nil
}

// pct is the p-th percentile of sorted durations, nearest rank.
func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func msf(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func printSeededProblems(w io.Writer, s bench.SeededProblems, n int) {
	if s.Created > 0 {
		fmt.Fprintf(w, "seed: wrote %d problems in %s (%.0f problems/s, tables vacuumed and analysed)\n",
			s.Created, s.Elapsed.Round(time.Millisecond), float64(s.Created)/s.Elapsed.Seconds())
	} else {
		fmt.Fprintf(w, "seed: the database already held %d problems (>= %d); nothing written\n", s.Problems, n)
	}
	statuses := make([]string, 0, len(s.ByStatus))
	for st := range s.ByStatus {
		statuses = append(statuses, st)
	}
	slices.Sort(statuses)
	var parts []string
	for _, st := range statuses {
		parts = append(parts, fmt.Sprintf("%s %d", st, s.ByStatus[st]))
	}
	fmt.Fprintf(w, "problems: %d (%s)\n", s.Problems, strings.Join(parts, ", "))
	fmt.Fprintf(w, "rows: problem_seals %d, problem_kpi %d\n", s.Seals, s.KPIRows)
	fmt.Fprintf(w, "sizes (with indexes): problems %s, problem_seals %s, problem_kpi %s\n",
		mib(s.Sizes["problems"]), mib(s.Sizes["problem_seals"]), mib(s.Sizes["problem_kpi"]))
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
