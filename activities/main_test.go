package activities_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"signoff/activities"
	"signoff/testkit"
)

// These tests call each activity as Temporal does (through an activity test environment, so
// the input and the error cross the data and failure converters as on a worker), then call it
// again with the same input, as a retry would, and compare every table of the database before
// and after. The database is a fresh, migrated one per test with the demo policy.

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// testCtx bounds every direct database call of a test.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// actEnv returns the activities over db with the channels and options given, registered in an
// activity test environment.
func actEnv(t *testing.T, db *testkit.DB, ch activities.Channels, opts ...activities.Option) (*activities.Activities, *testsuite.TestActivityEnvironment) {
	t.Helper()
	acts, err := activities.New(db.Store, db.Policies, ch, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestActivityEnvironment()
	env.SetTestTimeout(time.Minute)
	env.RegisterActivity(acts)
	return acts, env
}

// inAppOnly are the channels of a deployment without e-mail or robot: the inbox alone.
var inAppOnly = activities.Channels{PublicURL: "http://signoff.test"}

// run executes one activity in env and decodes its result.
func run[T any](t *testing.T, env *testsuite.TestActivityEnvironment, fn any, args ...any) (T, error) {
	t.Helper()
	var out T
	v, err := env.ExecuteActivity(fn, args...)
	if err != nil {
		return out, err
	}
	if err := v.Get(&out); err != nil {
		t.Fatalf("decode result: %v", err)
	}
	return out, nil
}

// mustRun is run for a call that must succeed.
func mustRun[T any](t *testing.T, env *testsuite.TestActivityEnvironment, fn any, args ...any) T {
	t.Helper()
	out, err := run[T](t, env, fn, args...)
	if err != nil {
		t.Fatalf("activity: %v", err)
	}
	return out
}

// writes is what a call did to the database: for each table it changed, how many rows it added
// (negative: removed; 0: changed rows in place). Tables not named are unchanged.
type writes map[string]int64

// once runs call, checks that it wrote exactly want, runs it again as a retry and checks that
// the retry wrote nothing at all and returned the same result. It returns the result.
func once[T any](t *testing.T, db *testkit.DB, what string, call func() (T, error), want writes) T {
	t.Helper()
	before := snapshot(t, db)
	first, err := call()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	afterFirst := snapshot(t, db)
	if got := before.writes(afterFirst); !sameWrites(got, want) {
		t.Errorf("%s wrote %v, want %v", what, got, want)
	}
	again, err := call()
	if err != nil {
		t.Fatalf("%s, retried: %v", what, err)
	}
	if got := afterFirst.writes(snapshot(t, db)); len(got) != 0 {
		t.Errorf("%s, retried, wrote %v again, want nothing", what, got)
	}
	if !reflect.DeepEqual(first, again) {
		t.Errorf("%s returned %+v, retried %+v", what, first, again)
	}
	return first
}

// refused runs call twice, as Temporal would not (the error is non-retryable) but a careless
// caller might, and checks that both times it fails with a non-retryable application error of
// type code and writes nothing.
func refused(t *testing.T, db *testkit.DB, what string, call func() error, code string) {
	t.Helper()
	before := snapshot(t, db)
	for i := range 2 {
		err := call()
		var app *temporal.ApplicationError
		if !errors.As(err, &app) || app.Type() != code || !app.NonRetryable() {
			t.Errorf("%s (%d): err = %v, want a non-retryable %q", what, i+1, err, code)
		}
	}
	if got := before.writes(snapshot(t, db)); len(got) != 0 {
		t.Errorf("%s, refused, wrote %v", what, got)
	}
}

// retryable checks that err is a failure Temporal retries: an application error not marked
// non-retryable (an untyped Go error arrives as one).
func retryable(t *testing.T, what string, err error) {
	t.Helper()
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.NonRetryable() {
		t.Errorf("%s: err = %v, want a retryable failure", what, err)
	}
}

func sameWrites(got, want writes) bool {
	return len(got) == len(want) && maps.Equal(got, want)
}

// tableState is one table's row count and a digest of its rows.
type tableState struct {
	rows   int64
	digest string
}

// dbState is every table of the public schema.
type dbState map[string]tableState

// volatile columns are stamped with now() by statements that are otherwise repeated unchanged
// (a snapshot rewritten by a retry); the digest leaves them out so that a retry that rewrites
// the same values counts as writing nothing.
var volatile = []string{"updated_at", "registered_at"}

// snapshot reads every table's row count and digest in one query.
func snapshot(t *testing.T, db *testkit.DB) dbState {
	t.Helper()
	ctx := testCtx(t)
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	parts := make([]string, len(tables))
	for i, name := range tables {
		// Each row as JSON without the volatile columns, sorted, hashed.
		parts[i] = fmt.Sprintf(`SELECT %s::text, count(*), coalesce(md5(string_agg(r, E'\n' ORDER BY r)), '')
			FROM (SELECT (to_jsonb(x) - $1::text[])::text AS r FROM %s x) s`,
			quoteLiteral(name), pgx.Identifier{name}.Sanitize())
	}
	rows, err = conn.Query(ctx, strings.Join(parts, "\nUNION ALL\n"), volatile)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	out := dbState{}
	for rows.Next() {
		var name string
		var s tableState
		if err := rows.Scan(&name, &s.rows, &s.digest); err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return out
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// writes lists the tables that differ from s in next, with the change in their row counts.
func (s dbState) writes(next dbState) writes {
	out := writes{}
	for _, name := range slices.Sorted(maps.Keys(next)) {
		if a, b := s[name], next[name]; a != b {
			out[name] = b.rows - a.rows
		}
	}
	return out
}

// count runs a counting query against the test database.
func count(t *testing.T, db *testkit.DB, q string, args ...any) int64 {
	t.Helper()
	ctx := testCtx(t)
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int64
	if err := conn.QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// exec runs test setup SQL against the test database.
func exec(t *testing.T, db *testkit.DB, q string, args ...any) {
	t.Helper()
	ctx := testCtx(t)
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
