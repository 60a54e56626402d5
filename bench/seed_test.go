package bench_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"signoff/bench"
	"signoff/chain"
	"signoff/ledger"
	"signoff/policy"
	"signoff/store"
	"signoff/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

const seedN = 300

func TestSeedCases(t *testing.T) {
	db := testkit.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	doc := policy.Demo()

	// In two goes: the second completes the first, as a rerun after an interruption would.
	first, err := bench.SeedCases(ctx, pool, doc, db.Version, seedN/2, 7)
	if err != nil {
		t.Fatalf("seed %d: %v", seedN/2, err)
	}
	if first.Created != seedN/2 || first.Cases != seedN/2 {
		t.Fatalf("first seed: created %d, cases %d; want %d", first.Created, first.Cases, seedN/2)
	}
	s, err := bench.SeedCases(ctx, pool, doc, db.Version, seedN, 7)
	if err != nil {
		t.Fatalf("seed %d: %v", seedN, err)
	}
	if s.Created != seedN-seedN/2 || s.Cases != seedN {
		t.Fatalf("second seed: created %d, cases %d", s.Created, s.Cases)
	}
	again, err := bench.SeedCases(ctx, pool, doc, db.Version, seedN, 7)
	if err != nil || again.Created != 0 || again.Cases != seedN {
		t.Fatalf("a third seed must write nothing: created %d, cases %d, err %v", again.Created, again.Cases, err)
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

	t.Run("the ledger verifies", func(t *testing.T) {
		var sound, legacy int
		err := db.Store.VerifyLedger(ctx, func(r ledger.Report) error {
			if r.OK {
				sound++
			} else {
				t.Errorf("%s: %s at seal %d: %s", r.CaseID, r.Problem, r.BrokenSeq, r.Detail)
			}
			legacy += r.Legacy
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if sound != seedN || legacy != 0 {
			t.Errorf("%d of %d seeded cases verify, %d legacy seals; want every case chained", sound, seedN, legacy)
		}
	})

	t.Run("seals numbered 1..seq", func(t *testing.T) {
		bad := q(`SELECT count(*) FROM cases c LEFT JOIN LATERAL (SELECT count(*) n, min(seq) lo, max(seq) hi
			FROM seals s WHERE s.case_id = c.id) x ON true
			WHERE x.n <> c.seq OR x.lo IS DISTINCT FROM 1 OR x.hi IS DISTINCT FROM c.seq`)
		if bad != 0 {
			t.Errorf("%d cases whose seals are not numbered 1..seq", bad)
		}
		if back := q(`SELECT count(*) FROM seals a JOIN seals b ON b.case_id = a.case_id AND b.seq = a.seq + 1
			WHERE b.at < a.at`); back != 0 {
			t.Errorf("%d seals dated before the seal they follow", back)
		}
		if first := q(`SELECT count(*) FROM seals WHERE seq = 1 AND decision <> 'submitted'`); first != 0 {
			t.Errorf("%d cases whose first seal is not the submission", first)
		}
	})

	t.Run("foreign keys", func(t *testing.T) {
		// The seeder skips the per-row checks when it may (a superuser): check them here.
		for _, c := range []string{
			`SELECT count(*) FROM seals x WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = x.case_id)`,
			`SELECT count(*) FROM case_lines x WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = x.case_id)`,
			`SELECT count(*) FROM budget_reservations x WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = x.case_id)
				OR NOT EXISTS (SELECT 1 FROM budget_lines b WHERE b.id = x.budget_line_id)`,
			`SELECT count(*) FROM case_done x WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = x.case_id)`,
			`SELECT count(*) FROM case_copies x WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = x.case_id)
				OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x.user_id)`,
			`SELECT count(*) FROM cases x WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x.submitter_id)
				OR NOT EXISTS (SELECT 1 FROM budget_lines b WHERE b.id = x.budget_line_id)
				OR NOT EXISTS (SELECT 1 FROM policy_versions p WHERE p.version = x.policy_version)`,
			`SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM budget_reservations r WHERE r.case_id = c.id)`,
		} {
			if n := q(c); n != 0 {
				t.Errorf("%d rows break a reference: %s", n, c)
			}
		}
	})

	t.Run("status mix", func(t *testing.T) {
		share := func(statuses ...string) float64 {
			var n int64
			for _, st := range statuses {
				n += s.ByStatus[st]
			}
			return float64(n) / float64(s.Cases)
		}
		for _, c := range []struct {
			name   string
			got    float64
			lo, hi float64
		}{
			{"in progress", share("in_progress", "awaiting_payment"), 0.20, 0.40},
			{"returned", share("returned"), 0.01, 0.11},
			{"paid", share("paid"), 0.40, 0.60},
			{"rejected", share("rejected"), 0.04, 0.17},
			{"withdrawn", share("withdrawn"), 0.01, 0.11},
		} {
			if c.got < c.lo || c.got > c.hi {
				t.Errorf("%s: %.0f%% of cases, want %.0f%%–%.0f%%", c.name, 100*c.got, 100*c.lo, 100*c.hi)
			}
		}
		if share("in_progress", "awaiting_payment", "returned", "paid", "rejected", "withdrawn") != 1 {
			t.Errorf("unexpected statuses: %v", s.ByStatus)
		}
		if s.Overdue == 0 {
			t.Error("no case is overdue")
		}
		if open := q(`SELECT count(*) FROM cases WHERE status IN ('in_progress', 'awaiting_payment') AND NOT overdue
			AND deadline > now()`); open == 0 {
			t.Error("no open case has its deadline ahead")
		}
		if bad := q(`SELECT count(*) FROM cases WHERE overdue AND status IN ('in_progress', 'awaiting_payment')
			AND (deadline IS NULL OR deadline > now())`); bad != 0 {
			t.Errorf("%d overdue cases without a past deadline", bad)
		}
		if bad := q(`SELECT count(*) FROM cases WHERE (closed_at IS NULL) <> (status IN ('in_progress', 'awaiting_payment', 'returned'))`); bad != 0 {
			t.Errorf("%d cases whose closed_at does not match their status", bad)
		}
		if bad := q(`SELECT count(*) FROM cases WHERE (status = 'paid') <> (paid_at IS NOT NULL AND paid_reference IS NOT NULL)`); bad != 0 {
			t.Errorf("%d cases whose payment does not match their status", bad)
		}
		if bad := q(`SELECT count(*) FROM cases WHERE submitted_at > now() OR updated_at > now()
			OR submitted_at < now() - interval '366 days'`); bad != 0 {
			t.Errorf("%d cases submitted or written outside the last year", bad)
		}
	})

	t.Run("lines add up", func(t *testing.T) {
		bad := q(`SELECT count(*) FROM cases c WHERE amount <> (SELECT sum(amount) FROM case_lines l WHERE l.case_id = c.id)
			OR (SELECT count(*) FROM case_lines l WHERE l.case_id = c.id) NOT BETWEEN 1 AND 5`)
		if bad != 0 {
			t.Errorf("%d cases whose lines do not add up to the amount", bad)
		}
	})

	t.Run("case_done matches the seals", func(t *testing.T) {
		const fromSeals = `SELECT actor_id, case_id, max(at) FROM seals
			WHERE decision IN ('approved', 'rejected', 'returned', 'transferred', 'signer_added', 'paid')
			AND actor_id <> 'system' GROUP BY actor_id, case_id`
		missing := q(`SELECT count(*) FROM (` + fromSeals + ` EXCEPT SELECT user_id, case_id, acted_at FROM case_done) x`)
		extra := q(`SELECT count(*) FROM (SELECT user_id, case_id, acted_at FROM case_done EXCEPT ` + fromSeals + `) x`)
		if missing != 0 || extra != 0 {
			t.Errorf("case_done: %d rows missing, %d extra", missing, extra)
		}
		if s.Done == 0 {
			t.Error("case_done is empty")
		}
	})

	t.Run("copies", func(t *testing.T) {
		if s.Copies == 0 {
			t.Error("no case is copied to anyone")
		}
		if bad := q(`SELECT count(*) FROM case_copies cc JOIN cases c ON c.id = cc.case_id WHERE cc.user_id = c.submitter_id`); bad != 0 {
			t.Errorf("%d cases copied to their own submitter", bad)
		}
	})

	t.Run("budget", func(t *testing.T) {
		if bad := q(`SELECT count(*) FROM budget_lines WHERE total < 0 OR reserved < 0 OR consumed < 0
			OR reserved + consumed > total`); bad != 0 {
			t.Errorf("%d budget lines break their constraints or are overdrawn", bad)
		}
		bad := q(`SELECT count(*) FROM budget_lines b WHERE
			reserved <> coalesce((SELECT sum(amount) FROM budget_reservations r WHERE r.budget_line_id = b.id AND state = 'reserved'), 0)
			OR consumed <> coalesce((SELECT sum(amount) FROM budget_reservations r WHERE r.budget_line_id = b.id AND state = 'consumed'), 0)`)
		if bad != 0 {
			t.Errorf("%d budget lines whose reserved/consumed differ from their reservations", bad)
		}
		bad = q(`SELECT count(*) FROM cases c JOIN budget_reservations r ON r.case_id = c.id WHERE r.state <> CASE
			WHEN c.status = 'paid' THEN 'consumed' WHEN c.status IN ('rejected', 'withdrawn') THEN 'released' ELSE 'reserved' END`)
		if bad != 0 || q(`SELECT count(*) FROM budget_reservations`) != seedN {
			t.Errorf("%d reservations whose state does not follow their case", bad)
		}
		for _, l := range doc.BudgetLines {
			b, err := db.Store.BudgetLine(ctx, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			if b.Remaining != int64(l.Total) {
				t.Errorf("budget line %s: %d left for live claims, want the policy's %d", l.ID, b.Remaining, l.Total)
			}
		}
		var last int64
		if err := pool.QueryRow(ctx, `SELECT last FROM case_numbers WHERE prefix = $1 AND year = $2`,
			bench.SeedPrefix, bench.SeedYear).Scan(&last); err != nil || last < seedN {
			t.Errorf("case counter %d (%v), want at least %d", last, err, seedN)
		}
	})

	t.Run("state matches the row", func(t *testing.T) {
		rows, err := pool.Query(ctx, `SELECT id, status, assignees, participants, revision, seq, overdue, deadline,
			current_step, submitter_id, state FROM cases`)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			id, status       string
			assignees, parts []string
			revision, seq    int
			overdue          bool
			deadline         *time.Time
			step, submitter  string
			state            []byte
		}
		all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (row, error) {
			var x row
			err := r.Scan(&x.id, &x.status, &x.assignees, &x.parts, &x.revision, &x.seq, &x.overdue, &x.deadline,
				&x.step, &x.submitter, &x.state)
			return x, err
		})
		if err != nil {
			t.Fatal(err)
		}
		steps := map[string]int{}
		for _, x := range all {
			var st chain.State
			if err := json.Unmarshal(x.state, &st); err != nil {
				t.Fatalf("%s: decode state: %v", x.id, err)
			}
			holders := st.Holders()
			if holders == nil {
				holders = []string{}
			}
			if !slices.Equal(holders, x.assignees) {
				t.Errorf("%s: holders %v, assignees column %v", x.id, holders, x.assignees)
			}
			if st.CaseID != x.id || string(st.Status) != x.status || st.Revision != x.revision || st.Seq != x.seq ||
				st.Overdue != x.overdue || st.Submitter != x.submitter || !slices.Equal(st.Participants, x.parts) {
				t.Errorf("%s: state %s/%d/%d/%v disagrees with its row %s/%d/%d/%v", x.id, st.Status, st.Revision, st.Seq,
					st.Overdue, x.status, x.revision, x.seq, x.overdue)
			}
			if d := st.Deadline(); (x.deadline == nil) != d.IsZero() || (x.deadline != nil && !x.deadline.Equal(d)) {
				t.Errorf("%s: deadline column %v, state %v", x.id, x.deadline, d)
			}
			if cur := st.CurrentStep(); cur != nil {
				steps[cur.Key]++
			}
		}
		// Open cases wait at every kind of step.
		for _, key := range []string{"witness", "review", "approval.department_head", "payment"} {
			if steps[key] == 0 {
				t.Errorf("no open case waits at step %s (%v)", key, steps)
			}
		}
	})

	t.Run("lists", func(t *testing.T) {
		if s.Reviewer.User == "" || s.HeavySigner.User == "" || s.HeavySubmitter.User == "" {
			t.Fatalf("heavy users not found: %+v", s)
		}
		for _, f := range []store.Filter{
			{Scope: store.ScopeInvolved, User: s.Reviewer.User},
			{Scope: store.ScopeTodo, User: s.HeavySigner.User},
			{Scope: store.ScopeSubmitted, User: s.HeavySubmitter.User},
			{Scope: store.ScopeAll},
		} {
			p, err := db.Store.ListCases(ctx, f)
			if err != nil {
				t.Fatalf("list %s for %s: %v", f.Scope, f.User, err)
			}
			if len(p.Items) == 0 {
				t.Errorf("list %s for %s is empty", f.Scope, f.User)
			}
		}
		for _, id := range s.SampleCases {
			if _, err := db.Store.CaseView(ctx, id, s.Reviewer.User, time.Now()); err != nil {
				t.Errorf("sample case %s: %v", id, err)
			}
		}
	})
}

func TestMeasurePages(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Authorization") != "Bearer t":
			w.WriteHeader(http.StatusUnauthorized)
		case strings.HasPrefix(r.URL.Path, "/cases/"):
			_, _ = w.Write([]byte(r.URL.Path))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	})
	hdr := http.Header{"Authorization": {"Bearer t"}}
	res, err := bench.MeasurePages(context.Background(), h, []bench.PageRequest{
		{Name: "case", Paths: []string{"/cases/1", "/cases/22"}, Header: hdr},
	}, 10, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].N != 10 || res[0].Bytes != (8+9)/2 || res[0].P50 > res[0].P95 || res[0].P95 > res[0].Max {
		t.Errorf("results %+v", res)
	}
	if _, err := bench.MeasurePages(context.Background(), h, []bench.PageRequest{{Name: "missing", Path: "/x", Header: hdr}}, 1, 0); err == nil {
		t.Error("a 404 was not reported")
	}
	rec := httptest.NewRecorder()
	if err := bench.WritePageTable(rec, res, 50*time.Millisecond); err != nil || !strings.Contains(rec.Body.String(), "| case | 10 |") {
		t.Errorf("table: %v\n%s", err, rec.Body.String())
	}
}
