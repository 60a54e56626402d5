package testkit

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/policy"
	"signoff/store"
)

// DefaultDatabaseURL is used when SIGNOFF_TEST_DATABASE_URL is unset.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/signoff_test?sslmode=disable"

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
	dbCounter    atomic.Int64
	dbMu         sync.Mutex // CREATE DATABASE ... TEMPLATE needs the template free of sessions
)

// DB is a fresh database for one test.
type DB struct {
	Store    *store.Store
	URL      string
	Policies *store.Policies
	Version  int // the demo policy's version
	Number   int64
}

// NewDB clones a migrated template (demo policy loaded) into a new database, dropped when the
// test ends. Case numbers start at a per-test offset so that business numbers (workflow IDs)
// never collide on the test binary's shared Temporal server.
func NewDB(t testing.TB) *DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	base := baseURL()
	templateOnce.Do(func() { templateName, templateErr = makeTemplate(ctx, base) })
	if templateErr != nil {
		t.Fatalf("test database template: %v", templateErr)
	}
	n := dbCounter.Add(1)
	name := fmt.Sprintf("%s_%d", templateName, n)
	admin := withDatabase(base, "postgres")
	dbMu.Lock()
	err := execAdmin(ctx, admin, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, templateName))
	dbMu.Unlock()
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	dbURL := withDatabase(base, name)
	s, err := store.Open(ctx, dbURL, 30)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = execAdmin(ctx, admin, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	offset := n * 10000
	if err := seedNumbers(ctx, s, dbURL, offset); err != nil {
		t.Fatalf("seed case numbers: %v", err)
	}
	p := store.NewPolicies(s)
	v, _, err := p.Latest(ctx)
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	return &DB{Store: s, URL: dbURL, Policies: p, Version: v, Number: offset}
}

func baseURL() string {
	if u := os.Getenv("SIGNOFF_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultDatabaseURL
}

func makeTemplate(ctx context.Context, base string) (string, error) {
	name := fmt.Sprintf("signoff_tpl_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	admin := withDatabase(base, "postgres")
	if err := execAdmin(ctx, admin, `CREATE DATABASE `+name); err != nil {
		return "", err
	}
	u := withDatabase(base, name)
	if err := store.Migrate(ctx, u); err != nil {
		return "", err
	}
	s, err := store.Open(ctx, u, 2)
	if err != nil {
		return "", err
	}
	defer s.Close()
	if _, _, err := s.LoadPolicy(ctx, policy.Demo(), policy.DemoYAML); err != nil {
		return "", err
	}
	cleanups = append(cleanups, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = execAdmin(ctx, admin, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return name, nil
}

func seedNumbers(ctx context.Context, s *store.Store, dbURL string, offset int64) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	year := time.Now().Year()
	// Every business number is a workflow ID on the one dev server: each kind of document
	// starts at the database's offset.
	for _, prefix := range []string{"EXP", "PR", "PO", "GR", "PAY", "PRB", "MTG"} {
		for _, y := range []int{year - 1, year, year + 1} {
			const q = `INSERT INTO case_numbers (prefix, year, last) VALUES ($1, $2, $3)`
			if _, err := conn.Exec(ctx, q, prefix, y, offset); err != nil {
				return err
			}
		}
	}
	return nil
}

func execAdmin(ctx context.Context, adminURL, sql string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect %s: %w", redact(adminURL), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", strings.Fields(sql)[0], err)
	}
	return nil
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + name
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "database"
	}
	return u.Redacted()
}
