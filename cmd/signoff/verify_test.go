package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/store"
	"signoff/testkit"
)

// TestVerifyNamesTheBrokenDay: verify passes over a sound problem ledger and its daily head,
// and after the problem's seal is removed and its count lowered (its own chain then verifies)
// it fails, naming the headed day.
func TestVerifyNamesTheBrokenDay(t *testing.T) {
	db := testkit.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id := seedHeadedDay(t, ctx, db)
	if _, err := db.Store.SealDailyHeads(ctx, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := verifyLedger(ctx, db.Store, verifyScope{}, &out); err != nil {
		t.Fatalf("sound ledger: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "1 daily heads verified, through 2026-03-02") {
		t.Errorf("output lacks the head summary:\n%s", out.String())
	}

	asOwner(t, ctx, db, `DELETE FROM problem_seals WHERE problem_id = '`+id+`'`, `UPDATE problems SET seq = 0 WHERE id = '`+id+`'`)
	out.Reset()
	err := verifyLedger(ctx, db.Store, verifyScope{}, &out)
	if !errors.Is(err, errLedgerBroken) || !strings.Contains(out.String(), "BROKEN day 2026-03-02: head_mismatch") ||
		strings.Contains(out.String(), "BROKEN "+id) {
		t.Errorf("err = %v, output:\n%s\nwant only the day broken", err, out.String())
	}
}

// seedHeadedDay writes a problem with one seal, moved to 2 March 2026: a day over, to head.
func seedHeadedDay(t *testing.T, ctx context.Context, db *testkit.DB) string {
	t.Helper()
	id, err := db.Store.CreateProblem(ctx, store.NewProblem{Year: 2026, Title: "来料缺陷", Description: "批次来料缺陷",
		Severity: "high", RaisedBy: "xu.jing", PolicyVersion: db.Version})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Store.RecordProblem(ctx, store.ProblemRecord{
		Snapshot: store.ProblemSnapshot{ID: id, Status: "raised", Seq: 1, Revision: 1, State: json.RawMessage(`{}`)},
		Seals:    []store.ProblemSeal{{Seq: 1, Decision: "raised", Actor: "xu.jing", At: time.Now()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	asOwner(t, ctx, db, `UPDATE problem_seals SET written_at = '2026-03-02 10:00:00Z'`)
	return id
}

// asOwner runs statements as the owner with the problem ledger's triggers lifted.
func asOwner(t *testing.T, ctx context.Context, db *testkit.DB, stmts ...string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, q := range append(append([]string{`ALTER TABLE problem_seals DISABLE TRIGGER USER`}, stmts...),
			`ALTER TABLE problem_seals ENABLE TRIGGER USER`) {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("tamper: %v", err)
	}
}
