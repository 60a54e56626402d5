package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"signoff/store"
	"signoff/testkit"
)

func newProblem(t *testing.T, db *testkit.DB, title string) string {
	t.Helper()
	id, err := db.Store.CreateProblem(context.Background(), store.NewProblem{Year: 2026, Title: title,
		Description: "装配线扭矩超差", Model: "XH-7", Batch: "B2026-11", BOMNode: "1.2.3", Line: "总装一线",
		Severity: "high", RaisedBy: "xu.jing", PolicyVersion: db.Version})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// recordProblem writes a snapshot of a published problem due at due, closed at closed (zero: open),
// counted for the given departments and representatives.
func recordProblem(t *testing.T, db *testkit.DB, id string, seq int, due, closed time.Time, depts, reps []string) {
	t.Helper()
	status := "in_progress"
	if !closed.IsZero() {
		status = "closed"
	}
	onTime := !closed.IsZero() && !closed.After(due)
	kpi := []store.KPIRow{{Dimension: "center", DueAt: due, OnTime: onTime}}
	for _, d := range depts {
		kpi = append(kpi, store.KPIRow{Dimension: "department", Key: d, DueAt: due, OnTime: onTime})
	}
	for _, r := range reps {
		kpi = append(kpi, store.KPIRow{Dimension: "representative", Key: r, DueAt: due, OnTime: onTime})
	}
	err := db.Store.RecordProblem(context.Background(), store.ProblemRecord{
		Snapshot: store.ProblemSnapshot{ID: id, Status: status, Departments: depts, Representatives: reps,
			DueAt: due, OriginalDueAt: due, ClosedAt: closed, Seq: seq, Revision: seq, State: json.RawMessage(`{}`)},
		Seals: []store.ProblemSeal{{Seq: seq, Decision: status, Actor: "zheng.yu", At: due.Add(-time.Hour)}},
		KPI:   kpi,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestProblemRecordsMoveForwardAndCount(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := context.Background()
	due := time.Date(2026, 11, 10, 10, 0, 0, 0, time.UTC)
	a, b, c := newProblem(t, db, "扭矩超差"), newProblem(t, db, "来料缺陷"), newProblem(t, db, "工装磨损")
	recordProblem(t, db, a, 2, due, due, []string{"engineering"}, []string{"huang.lei"})                             // on time, exactly at due
	recordProblem(t, db, b, 2, due, due.Add(time.Second), []string{"engineering", "warehouse"}, []string{"he.ping"}) // late by a second
	recordProblem(t, db, c, 2, due.AddDate(0, 1, 0), time.Time{}, []string{"warehouse"}, nil)                        // due next month
	// A stale retry of an older transition changes nothing.
	recordProblem(t, db, a, 1, due, time.Time{}, []string{"sales"}, nil)

	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	depts, err := db.Store.CompletionRates(ctx, "department", from, to)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.RateRow{{Key: "engineering", Due: 2, OnTime: 1}, {Key: "warehouse", Due: 1, OnTime: 0}}
	if len(depts) != 2 || depts[0] != want[0] || depts[1] != want[1] {
		t.Errorf("department rates = %+v, want %+v", depts, want)
	}
	center, err := db.Store.CompletionRates(ctx, "center", from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(center) != 1 || center[0].Due != 2 || center[0].OnTime != 1 {
		t.Errorf("center = %+v, want 1 of 2 (a problem of two departments counts once)", center)
	}
	ps, onTime, err := db.Store.BehindRate(ctx, "department", "engineering", from, to, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID != a || !onTime[0] || onTime[1] {
		t.Errorf("behind engineering: %v %v", ps, onTime)
	}
	p, err := db.Store.Problem(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != "closed" || p.Seq != 2 || len(p.Departments) != 1 || p.Departments[0] != "engineering" {
		t.Errorf("problem after a stale retry = %+v", p)
	}
	seals, err := db.Store.ProblemSeals(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(seals) != 2 {
		t.Errorf("seals = %+v, want the two distinct transitions", seals)
	}
}

func TestCreateProblemRefusesSomeoneElsesUpload(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := context.Background()
	up, err := db.Store.SaveAttachment(ctx, store.NewAttachment{UploaderID: "huang.lei", Filename: "a.png",
		ContentType: "image/png", Content: []byte("\x89PNG\r\n\x1a\nxx")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Store.CreateProblem(ctx, store.NewProblem{Year: 2026, Title: "x", Description: "y", Severity: "low",
		RaisedBy: "xu.jing", PolicyVersion: db.Version, Attachments: []string{up.ID}})
	var attach *store.AttachmentError
	if !errors.As(err, &attach) {
		t.Fatalf("error = %v, want an AttachmentError", err)
	}
}

// A problem's photo is linked to it and readable by everyone, as the problem is.
func TestProblemAttachmentsAreShared(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := context.Background()
	up, err := db.Store.SaveAttachment(ctx, store.NewAttachment{UploaderID: "xu.jing", Filename: "defect.png",
		ContentType: "image/png", Content: []byte("\x89PNG\r\n\x1a\nxx")})
	if err != nil {
		t.Fatal(err)
	}
	if shared, err := db.Store.IsSharedAttachment(ctx, up.ID); err != nil || shared {
		t.Fatalf("a fresh upload is shared = %v, %v", shared, err)
	}
	if _, err := db.Store.CreateProblem(ctx, store.NewProblem{Year: 2026, Title: "x", Description: "y", Severity: "low",
		RaisedBy: "xu.jing", PolicyVersion: db.Version, Attachments: []string{up.ID}}); err != nil {
		t.Fatal(err)
	}
	if shared, err := db.Store.IsSharedAttachment(ctx, up.ID); err != nil || !shared {
		t.Errorf("a problem's photo is shared = %v, %v", shared, err)
	}
}

// The boards' drill-downs: open problems by age of publication, and problems escalated in a span.
func TestListProblemsByAgeAndEscalation(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	young, old := newProblem(t, db, "新问题"), newProblem(t, db, "老问题")
	for _, p := range []struct {
		id        string
		published time.Time
		escalated bool
	}{{young, now.Add(-2 * time.Hour), false}, {old, now.AddDate(0, 0, -10), true}} {
		seals := []store.ProblemSeal{{Seq: 1, Decision: "published", Actor: "liu.yang", At: p.published}}
		if p.escalated {
			seals = append(seals, store.ProblemSeal{Seq: 2, Decision: "escalated", Actor: "system", At: now.AddDate(0, 0, -1)})
		}
		err := db.Store.RecordProblem(ctx, store.ProblemRecord{Snapshot: store.ProblemSnapshot{ID: p.id, Status: "in_progress",
			PublishedAt: p.published, DueAt: now.AddDate(0, 0, 5), Seq: len(seals), State: json.RawMessage(`{}`)}, Seals: seals})
		if err != nil {
			t.Fatal(err)
		}
	}
	ids := func(f store.ProblemFilter) []string {
		ps, err := db.Store.ListProblems(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	if got := ids(store.ProblemFilter{Open: true, PublishedFrom: now.Add(-24 * time.Hour), PublishedTo: now}); len(got) != 1 || got[0] != young {
		t.Errorf("published in the last day: %v, want %s", got, young)
	}
	if got := ids(store.ProblemFilter{Open: true, PublishedTo: now.AddDate(0, 0, -7)}); len(got) != 1 || got[0] != old {
		t.Errorf("published over a week ago: %v, want %s", got, old)
	}
	if got := ids(store.ProblemFilter{EscalatedFrom: now.AddDate(0, 0, -2), EscalatedTo: now}); len(got) != 1 || got[0] != old {
		t.Errorf("escalated in the last two days: %v, want %s", got, old)
	}
}

// The daily counts follow every transition: a due date moved to the next month and a
// re-publication to another department leave nothing behind in the old month or department,
// and whole-day periods (the daily counts) agree with any other period (the detail rows).
func TestCompletionDailyCountsFollowMovesAndRepublication(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := context.Background()
	nov := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	dec := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	a := newProblem(t, db, "移动的问题")
	recordProblem(t, db, a, 1, nov, time.Time{}, []string{"engineering"}, []string{"huang.lei"})
	recordProblem(t, db, a, 2, dec, time.Time{}, []string{"engineering"}, []string{"huang.lei"}) // due moved
	recordProblem(t, db, a, 3, dec, dec, []string{"quality"}, []string{"lu.qing"})               // re-published, closed on time
	recordProblem(t, db, a, 3, dec, dec, []string{"quality"}, []string{"lu.qing"})               // the same transition, retried
	rates := func(from, to time.Time) []store.RateRow {
		r, err := db.Store.CompletionRates(ctx, "department", from, to)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	novFrom, decFrom, janFrom := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := rates(novFrom, decFrom); len(got) != 0 {
		t.Errorf("November after the move: %+v, want nothing", got)
	}
	want := store.RateRow{Key: "quality", Due: 1, OnTime: 1}
	if got := rates(decFrom, janFrom); len(got) != 1 || got[0] != want {
		t.Errorf("December (daily counts): %+v, want %+v", got, want)
	}
	if got := rates(decFrom.Add(time.Second), janFrom); len(got) != 1 || got[0] != want {
		t.Errorf("December (detail rows): %+v, want %+v", got, want)
	}
}
