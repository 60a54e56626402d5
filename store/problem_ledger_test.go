package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/ledger"
	"signoff/store"
	"signoff/testkit"
)

// sealedProblem is a problem raised with an attachment and taken through three transitions,
// one RecordProblem each: three seals in its ledger.
func sealedProblem(t *testing.T, db *testkit.DB) string {
	t.Helper()
	a := upload(t, db, "xu.jing", "扭矩记录.pdf")
	id, err := db.Store.CreateProblem(testCtx(t), store.NewProblem{Year: 2026, Title: "扭矩超差",
		Description: "装配线扭矩超差", Model: "XH-7", Batch: "B2026-11", BOMNode: "1.2.3", Line: "总装一线",
		Severity: "high", RaisedBy: "xu.jing", PolicyVersion: db.Version, Attachments: []string{a.ID}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 2, 9, 30, 0, 123456789, time.UTC)
	for i, d := range []string{"raised", "published", "solved"} {
		seq := i + 1
		err := db.Store.RecordProblem(testCtx(t), store.ProblemRecord{
			Snapshot: store.ProblemSnapshot{ID: id, Status: d, Seq: seq, Revision: seq, State: json.RawMessage(`{}`)},
			Seals:    []store.ProblemSeal{{Seq: seq, Decision: d, Actor: "xu.jing", Comment: "第" + d, At: at.Add(time.Duration(i) * time.Hour)}},
		})
		if err != nil {
			t.Fatalf("record %s: %v", d, err)
		}
	}
	return id
}

func verifyProblem(t *testing.T, db *testkit.DB, id string) ledger.Report {
	t.Helper()
	r, err := db.Store.VerifyProblem(testCtx(t), id)
	if err != nil {
		t.Fatalf("verify %s: %v", id, err)
	}
	return r
}

// tamperProblems runs statements as the superuser with the problem ledger's triggers disabled.
func tamperProblems(t *testing.T, db *testkit.DB, stmts ...string) {
	t.Helper()
	withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `ALTER TABLE problem_seals DISABLE TRIGGER USER`); err != nil {
				return err
			}
			for _, s := range stmts {
				if _, err := tx.Exec(ctx, s); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `ALTER TABLE problem_seals ENABLE TRIGGER USER`)
			return err
		})
		if err != nil {
			t.Fatalf("tamper: %v", err)
		}
	})
}

// TestProblemLedgerLinked: every problem seal attests the facts and links to the one before;
// the untouched problem verifies, and its seals cannot be changed or removed.
func TestProblemLedgerLinked(t *testing.T) {
	db := testkit.NewDB(t)
	id := sealedProblem(t, db)
	r := verifyProblem(t, db, id)
	if !r.OK || r.Seals != 3 || r.Legacy != 0 || r.Head == "" {
		t.Fatalf("report = %+v, want 3 sound seals", r)
	}
	if n := count(t, db, `SELECT count(*) FROM problem_seals WHERE problem_id = $1 AND facts_digest = $2
		AND (seq = 1) = (prev_hash = '')`, id, r.Digest); n != 3 {
		t.Errorf("%d seals attest the facts and link as they should, want 3", n)
	}
	for _, q := range []string{
		`UPDATE problem_seals SET comment = 'changed' WHERE problem_id = $1`,
		`DELETE FROM problem_seals WHERE problem_id = $1`,
		`TRUNCATE problem_seals`,
	} {
		withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
			args := []any{id}
			if strings.HasPrefix(q, "TRUNCATE") {
				args = nil
			}
			if _, err := conn.Exec(ctx, q, args...); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		})
	}
}

// TestProblemLedgerDetectsTampering: a changed fact, a changed, deleted or reordered seal, and
// swapped attachment bytes each break verification and name the seal.
func TestProblemLedgerDetectsTampering(t *testing.T) {
	cases := []struct {
		name    string
		stmts   []string
		problem string
		seq     int
	}{
		{"changed fact", []string{`UPDATE problems SET severity = 'low' WHERE id = $ID`}, ledger.ProblemContent, 1},
		{"changed seal", []string{`UPDATE problem_seals SET actor_id = 'liu.yang' WHERE problem_id = $ID AND seq = 2`}, ledger.ProblemAltered, 2},
		{"deleted seal", []string{`DELETE FROM problem_seals WHERE problem_id = $ID AND seq = 2`}, ledger.ProblemMissing, 2},
		{"deleted last seal", []string{`DELETE FROM problem_seals WHERE problem_id = $ID AND seq = 3`}, ledger.ProblemMissing, 3},
		{"reordered seals", []string{
			`UPDATE problem_seals SET seq = 100 WHERE problem_id = $ID AND seq = 2`,
			`UPDATE problem_seals SET seq = 2 WHERE problem_id = $ID AND seq = 3`,
			`UPDATE problem_seals SET seq = 3 WHERE problem_id = $ID AND seq = 100`,
		}, ledger.ProblemLink, 2},
		{"swapped attachment bytes", []string{`UPDATE attachments SET content = 'forged'::bytea WHERE problem_id = $ID`}, ledger.ProblemContent, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			id := sealedProblem(t, db)
			if r := verifyProblem(t, db, id); !r.OK {
				t.Fatalf("before tampering: %+v", r)
			}
			stmts := make([]string, len(tc.stmts))
			for i, s := range tc.stmts {
				stmts[i] = strings.ReplaceAll(s, "$ID", "'"+id+"'")
			}
			tamperProblems(t, db, stmts...)
			r := verifyProblem(t, db, id)
			if r.OK || r.Problem != tc.problem || r.BrokenSeq != tc.seq {
				t.Errorf("report = %+v, want %s at seal %d", r, tc.problem, tc.seq)
			}
		})
	}
}

// TestVerifyProblems: the walk over every problem reports each once and names the broken one.
func TestVerifyProblems(t *testing.T) {
	db := testkit.NewDB(t)
	good, bad := sealedProblem(t, db), sealedProblem(t, db)
	tamperProblems(t, db, `UPDATE problem_seals SET comment = 'x' WHERE problem_id = '`+bad+`' AND seq = 1`)
	got := map[string]bool{}
	err := db.Store.VerifyProblems(testCtx(t), func(r ledger.Report) error {
		if _, dup := got[r.CaseID]; dup {
			t.Errorf("%s reported twice", r.CaseID)
		}
		got[r.CaseID] = r.OK
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[good] || got[bad] {
		t.Errorf("reports = %v, want %s sound and %s broken", got, good, bad)
	}
}
