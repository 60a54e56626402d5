package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"signoff/ledger"
	"signoff/testkit"
)

// TestDailyHeadsDetectARebuiltChain: the seals of a claim written on 2 March and a problem's on
// 3 March are headed (as the application role), once; then a seal is deleted behind the
// application's back and the claim's chain rebuilt so that it verifies again. The head of
// 2 March still names the loss.
func TestDailyHeadsDetectARebuiltChain(t *testing.T) {
	db := testkit.NewDB(t)
	app, _ := asApp(t, db)
	c := sealedClaim(t, app)
	p := sealedProblem(t, app)
	tamper(t, db, `UPDATE seals SET written_at = '2026-03-02 08:00:00Z'`)
	tamperProblems(t, db, `UPDATE problem_seals SET written_at = '2026-03-03 23:59:59.999999Z'`)

	ctx := testCtx(t)
	through := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	heads, err := app.Store.SealDailyHeads(ctx, through)
	if err != nil {
		t.Fatalf("seal daily heads: %v", err)
	}
	if len(heads) != 2 || heads[0].Day != "2026-03-02" || heads[0].Seals != 4 || heads[0].PrevHash != "" ||
		heads[1].Day != "2026-03-03" || heads[1].Seals != 3 || heads[1].PrevHash != heads[0].Hash {
		t.Fatalf("heads = %+v, want 2 March (4 seals) then 3 March (3 seals) linked", heads)
	}
	if again, err := app.Store.SealDailyHeads(ctx, through); err != nil || len(again) != 0 {
		t.Fatalf("second run wrote %+v, %v; want nothing", again, err)
	}
	if r, err := db.Store.VerifyHeads(ctx); err != nil || !r.OK || r.Days != 2 || r.Head != heads[1].Hash {
		t.Fatalf("verify heads = %+v, %v; want 2 sound days", r, err)
	}

	tamper(t, db, `DELETE FROM seals WHERE case_id = '`+c.ID+`' AND seq = 4`, `UPDATE cases SET seq = 3 WHERE id = '`+c.ID+`'`)
	if r := verify(t, db, c.ID); !r.OK {
		t.Fatalf("the rebuilt chain does not verify, so the test proves nothing: %+v", r)
	}
	r, err := db.Store.VerifyHeads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK || r.BrokenDay != "2026-03-02" || r.Problem != ledger.HeadMismatch {
		t.Errorf("verify heads = %+v, want 2 March broken (head_mismatch)", r)
	}
	if r := verifyProblem(t, db, p); !r.OK {
		t.Errorf("the problem's own ledger: %+v", r)
	}
}

// TestDailyHeadsWaitForTheDayToEnd: seals written today are not headed, whatever day is asked
// for; heads are append-only.
func TestDailyHeadsWaitForTheDayToEnd(t *testing.T) {
	db := testkit.NewDB(t)
	sealedClaim(t, db)
	heads, err := db.Store.SealDailyHeads(testCtx(t), time.Now().AddDate(0, 0, 2))
	if err != nil || len(heads) != 0 {
		t.Fatalf("heads = %+v, %v; want none while the seals' day is open", heads, err)
	}
	if r, err := db.Store.VerifyHeads(testCtx(t)); err != nil || !r.OK || r.Days != 0 {
		t.Errorf("verify heads = %+v, %v; want sound and empty", r, err)
	}
	tamper(t, db, `UPDATE seals SET written_at = written_at - interval '3 days'`)
	heads, err = db.Store.SealDailyHeads(testCtx(t), time.Now())
	if err != nil || len(heads) < 2 || heads[0].Seals != 4 {
		t.Fatalf("heads = %+v, %v; want the day three days ago (4 seals) and the empty days after it", heads, err)
	}
	for _, q := range []string{`UPDATE ledger_heads SET seals = 0`, `DELETE FROM ledger_heads`, `TRUNCATE ledger_heads`} {
		withConn(t, db, func(ctx context.Context, conn *pgx.Conn) {
			if _, err := conn.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", q, err)
			}
		})
	}
}
