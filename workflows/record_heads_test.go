package workflows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"

	"signoff/activities"
	"signoff/store"
	"signoff/workflows"
)

// ledgerHeads records the daily-heads workflow heading two days: the seals written so far
// (and a problem's, written here) are moved three days back, as if the schedule had not run since.
func (r *devServer) ledgerHeads(t *testing.T) {
	id, err := r.s.Store.CreateProblem(r.ctx, store.NewProblem{Year: time.Now().Year(), Title: "来料缺陷",
		Description: "批次来料缺陷", Severity: "high", RaisedBy: "xu.jing", PolicyVersion: r.version})
	if err != nil {
		t.Fatal(err)
	}
	err = r.s.Store.RecordProblem(r.ctx, store.ProblemRecord{
		Snapshot: store.ProblemSnapshot{ID: id, Status: "raised", Seq: 1, Revision: 1, State: json.RawMessage(`{}`)},
		Seals:    []store.ProblemSeal{{Seq: 1, Decision: "raised", Actor: "xu.jing", At: time.Now()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	moveSealsBack(t, r.ctx, r.s.URL, 72*time.Hour)
	wid := fmt.Sprintf("ledger-heads-%d", r.s.Number)
	run, err := r.s.Client.ExecuteWorkflow(r.ctx, client.StartWorkflowOptions{ID: wid, TaskQueue: r.s.TaskQueue},
		workflows.LedgerHeadsWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	var res activities.SealHeadsResult
	if err := run.Get(r.ctx, &res); err != nil || len(res.Days) < 2 {
		t.Fatalf("ledger heads = %+v, %v; want at least two days headed", res, err)
	}
	r.write(t, wid, historyHeads)
}

// moveSealsBack shifts written_at of every seal by d into the past, as the owner with the
// ledgers' append-only triggers lifted (test data only).
func moveSealsBack(t *testing.T, ctx context.Context, url string, d time.Duration) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, table := range []string{"seals", "problem_seals"} {
			for _, q := range []string{
				`ALTER TABLE ` + table + ` DISABLE TRIGGER USER`,
				`UPDATE ` + table + ` SET written_at = written_at - make_interval(secs => $1)`,
				`ALTER TABLE ` + table + ` ENABLE TRIGGER USER`,
			} {
				args := []any{}
				if q[0] == 'U' {
					args = append(args, d.Seconds())
				}
				if _, err := tx.Exec(ctx, q, args...); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("move seals back: %v", err)
	}
}
