package activities_test

import (
	"testing"

	"signoff/store"
	"signoff/testkit"
)

// TestDeleteStaleUploadsOnce: uploads no claim took within a day are deleted, once; a fresh
// upload and an old one on a claim stay; a later stale upload goes on the next run.
func TestDeleteStaleUploadsOnce(t *testing.T) {
	db := testkit.NewDB(t)
	acts, env := actEnv(t, db, inAppOnly)
	upload := func(name string) string {
		t.Helper()
		a, err := db.Store.SaveAttachment(testCtx(t), store.NewAttachment{UploaderID: "zhang.wei", Filename: name,
			ContentType: "application/pdf", Content: []byte("%PDF-1.4 " + name)})
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	age := func(ids ...string) {
		t.Helper()
		exec(t, db, `UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = ANY($1)`, ids)
	}
	abandoned, alsoAbandoned, fresh, onClaim := upload("a.pdf"), upload("b.pdf"), upload("c.pdf"), upload("d.pdf")
	c, _, err := db.Store.CreateCase(testCtx(t), store.NewCase{
		Prefix: "EXP", Year: 2026, Kind: "expense", Title: "差旅费报销", Purpose: "客户拜访", Category: "travel",
		DepartmentID: "sales", BudgetLineID: salesTravel, Amount: 1000, Currency: "CNY", SubmitterID: "zhang.wei",
		PolicyVersion: db.Version, Lines: []store.Line{{Description: "机票", Amount: 1000}}, Attachments: []string{onClaim},
	})
	if err != nil {
		t.Fatal(err)
	}
	age(abandoned, alsoAbandoned, onClaim)

	deletes := func(want int64) {
		t.Helper()
		before := snapshot(t, db)
		n := mustRun[int64](t, env, acts.DeleteStaleUploads)
		wantWrites := writes{}
		if want > 0 {
			wantWrites["attachments"] = -want
		}
		if got := before.writes(snapshot(t, db)); n != want || !sameWrites(got, wantWrites) {
			t.Errorf("deleted %d, wrote %v; want %d, %v", n, got, want, wantWrites)
		}
	}
	deletes(2)
	deletes(0) // the retry
	later := upload("e.pdf")
	age(later)
	deletes(1)
	for _, id := range []string{fresh, onClaim} {
		if _, err := db.Store.Attachment(testCtx(t), id); err != nil {
			t.Errorf("%s: %v, want kept", id, err)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM attachments WHERE case_id = $1`, c.ID); n != 1 {
		t.Errorf("%d attachments on the claim, want its one", n)
	}
}
