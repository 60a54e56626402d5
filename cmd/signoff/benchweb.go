package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"signoff/bench"
	"signoff/config"
	"signoff/gateway"
	"signoff/store"
	"signoff/temporalclient"
)

// benchPages are the pages `signoff bench-web` measures, one line each: a name, whose page it
// is (a person picked from the seeded data), how the request carries their session (a bearer
// token for the JSON API, the session cookie for web pages) and the path. "{case}" in a path
// stands for the sample cases, a different one each iteration.
var benchPages = []benchPage{
	{"api todo (heaviest signer)", whoSigner, authBearer, "/api/v1/cases?scope=todo"},
	{"api submitted (heaviest submitter)", whoSubmitter, authBearer, "/api/v1/cases?scope=submitted"},
	{"api involved (reviewer)", whoReviewer, authBearer, "/api/v1/cases?scope=involved"},
	{"api all (reviewer)", whoReviewer, authBearer, "/api/v1/cases?scope=all"},
	{"api case page (reviewer, 64 cases)", whoReviewer, authBearer, "/api/v1/cases/{case}"},
	{"web inbox to do (heaviest signer)", whoSigner, authCookie, "/inbox?tab=todo"},
	{"web inbox done (reviewer)", whoReviewer, authCookie, "/inbox?tab=done"},
	{"web inbox submitted (heaviest submitter)", whoSubmitter, authCookie, "/inbox?tab=submitted"},
	{"web inbox copied (most copied)", whoCopied, authCookie, "/inbox?tab=copied"},
	{"web case page (reviewer, 64 cases)", whoReviewer, authCookie, "/cases/{case}"},
}

// benchTarget is the p95 each page should stay under.
const benchTarget = 50 * time.Millisecond

// benchPage is one page to measure; see benchPages.
type benchPage struct {
	name string
	who  benchWho
	auth benchAuth
	path string
}

// benchWho picks a seeded user.
type benchWho string

const (
	whoSigner    benchWho = "heaviest signer"    // the largest to-do inbox
	whoSubmitter benchWho = "heaviest submitter" // submitted the most cases
	whoReviewer  benchWho = "reviewer"           // on the most cases; a finance role, may list all
	whoCopied    benchWho = "most copied"        // copied on the most cases
)

func (w benchWho) user(s bench.Seeded) bench.UserCount {
	switch w {
	case whoSigner:
		return s.HeavySigner
	case whoSubmitter:
		return s.HeavySubmitter
	case whoReviewer:
		return s.Reviewer
	case whoCopied:
		return s.Copied
	}
	return bench.UserCount{}
}

// benchAuth is how a request carries its session.
type benchAuth int

const (
	authBearer benchAuth = iota // Authorization: Bearer <token> (the JSON API)
	authCookie                  // Cookie: signoff_session=<token> (web pages)
)

// sessionCookie is the web pages' session cookie.
const sessionCookie = "signoff_session"

// runBenchWeb seeds a database with many cases and measures how long pages take to render,
// calling the gateway's handler in-process against it. Temporal is not needed: pages only read.
func runBenchWeb(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("bench-web", flag.ContinueOnError)
	cases := fs.Int("cases", 100_000, "seeded cases the database must hold (seeds only what is missing)")
	iterations := fs.Int("iterations", 300, "timed requests per page")
	warmup := fs.Int("warmup", 20, "untimed requests per page first")
	seed := fs.Int64("seed", 1, "random seed of the generated cases")
	dbURL := fs.String("database-url", "postgres://postgres@127.0.0.1:5432/signoff_bench_web?sslmode=disable",
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
	policies := store.NewPolicies(s)
	version, doc, err := policies.Latest(ctx)
	if err != nil {
		return err
	}

	pool, err := pgxpool.New(ctx, cfg.Database.URL)
	if err != nil {
		return fmt.Errorf("connect %s: %w", redactURL(cfg.Database.URL), err)
	}
	log.Info("seeding", "cases", *cases, "database", redactURL(cfg.Database.URL))
	seeded, err := bench.SeedCases(ctx, pool, doc, version, *cases, *seed)
	pool.Close()
	if err != nil {
		return err
	}

	// A lazy client never dials: the pages measured only read from PostgreSQL.
	opts, err := temporalclient.Options(cfg.Temporal, cfg.Temporal.Address, log)
	if err != nil {
		return err
	}
	tc, err := client.NewLazyClient(opts)
	if err != nil {
		return fmt.Errorf("temporal client: %w", err)
	}
	defer tc.Close()
	// Access logs are formatted as in production, then dropped rather than printed. The pages
	// measured send no action, so any signing key will do.
	keys, err := withDevSigningKey(cfg).Actions.Keyring()
	if err != nil {
		return err
	}
	h, err := gateway.New(gateway.Deps{
		Store: s, Policies: policies, Temporal: tc, TemporalConfig: cfg.Temporal,
		Gateway: cfg.Gateway, Auth: cfg.Auth, Logger: config.NewLogger(io.Discard, cfg.Log),
		AutoPay: cfg.Payment.Mode == config.PaymentConnector, SigningKeys: keys,
	})
	if err != nil {
		return err
	}
	reqs, err := pageRequests(ctx, s, seeded)
	if err != nil {
		return err
	}
	results, err := bench.MeasurePages(ctx, h, reqs, *iterations, *warmup)
	if err != nil {
		return err
	}

	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	printMachine(ctx, out, cfg, loadBefore)
	printSeeded(out, seeded, *cases)
	fmt.Fprintf(out, "\n%d timed requests per page after %d warm-up, one at a time, in-process (httptest)\n\n", *iterations, *warmup)
	return bench.WritePageTable(out, results, benchTarget)
}

// pageRequests signs in the people of benchPages (a session each, written directly) and
// expands the pages into requests.
func pageRequests(ctx context.Context, s *store.Store, seeded bench.Seeded) ([]bench.PageRequest, error) {
	tokens := map[string]string{}
	var reqs []bench.PageRequest
	for _, p := range benchPages {
		u := p.who.user(seeded)
		if u.User == "" {
			return nil, fmt.Errorf("page %q: no %s in the seeded data", p.name, p.who)
		}
		tok, ok := tokens[u.User]
		if !ok {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return nil, err
			}
			tok = hex.EncodeToString(b)
			if err := s.CreateSession(ctx, tok, u.User, time.Now(), time.Now().Add(24*time.Hour)); err != nil {
				return nil, fmt.Errorf("session for %s: %w", u.User, err)
			}
			tokens[u.User] = tok
		}
		r := bench.PageRequest{Name: p.name, Path: p.path, Header: http.Header{}}
		switch p.auth {
		case authBearer:
			r.Header.Set("Authorization", "Bearer "+tok)
		case authCookie:
			r.Header.Set("Cookie", (&http.Cookie{Name: sessionCookie, Value: tok}).String())
		}
		if strings.Contains(p.path, "{case}") {
			if len(seeded.SampleCases) == 0 {
				return nil, fmt.Errorf("page %q: no sample cases", p.name)
			}
			for _, id := range seeded.SampleCases {
				r.Paths = append(r.Paths, strings.ReplaceAll(p.path, "{case}", id))
			}
		}
		reqs = append(reqs, r)
	}
	return reqs, nil
}

func printMachine(ctx context.Context, w io.Writer, cfg config.Config, loadBefore string) {
	fmt.Fprintf(w, "machine: %d CPUs (GOMAXPROCS %d), %s/%s, %s, CPU %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0),
		runtime.GOOS, runtime.GOARCH, runtime.Version(), cpuModel())
	fmt.Fprintf(w, "load average (1, 5, 15 min): %s before seeding, %s after measuring\n", loadBefore, loadAverage())
	var pg string
	if p, err := pgxpool.New(ctx, cfg.Database.URL); err == nil {
		_ = p.QueryRow(ctx, `SELECT current_setting('server_version')`).Scan(&pg)
		p.Close()
	}
	fmt.Fprintf(w, "database: PostgreSQL %s at %s (pool of %d)\n", pg, redactURL(cfg.Database.URL), cfg.Database.MaxConns)
}

func printSeeded(w io.Writer, s bench.Seeded, n int) {
	if s.Created > 0 {
		fmt.Fprintf(w, "seed: wrote %d cases in %s (%.0f cases/s, tables vacuumed and analysed)\n",
			s.Created, s.Elapsed.Round(time.Millisecond), float64(s.Created)/s.Elapsed.Seconds())
	} else {
		fmt.Fprintf(w, "seed: the database already held %d seeded cases (>= %d); nothing written\n", s.Cases, n)
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
	fmt.Fprintf(w, "cases: %d (%s; overdue %d)\n", s.Cases, strings.Join(parts, ", "), s.Overdue)
	fmt.Fprintf(w, "rows: seals %d, case_lines %d, case_done %d, case_copies %d\n", s.Seals, s.Lines, s.Done, s.Copies)
	for _, who := range []benchWho{whoSigner, whoSubmitter, whoReviewer, whoCopied} {
		u := who.user(s)
		fmt.Fprintf(w, "%s: %s (%d cases)\n", who, u.User, u.Cases)
	}
}

// cpuModel reads the CPU's model name on Linux.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage reads the 1, 5 and 15 minute load averages on Linux: other work on the machine
// shows in the figures.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// openBenchDatabase creates the benchmark's own database if missing, migrates it and opens it.
func openBenchDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, error) {
	if err := ensureDatabase(ctx, cfg.Database.URL); err != nil {
		return nil, err
	}
	// The benchmark's own database runs on the demo organisation unless a policy file is named.
	if err := migrate(ctx, cfg, cfg.Policy.File == "", log); err != nil {
		return nil, err
	}
	return store.Open(ctx, cfg.Database.URL, cfg.Database.MaxConns)
}
