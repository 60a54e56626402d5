package store_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"signoff/kpi"
	"signoff/store"
	"signoff/testkit"
)

// boardProblem is one hand-made problem of the boards' fixture.
type boardProblem struct {
	fact                  kpi.Fact
	model, batch, bomNode string
}

// writeBoardProblem raises a problem and records a snapshot of its fact: its escalations as
// ledger seals, and the completion-rate rows when it counts. It returns the fact with its ID.
func writeBoardProblem(t *testing.T, db *testkit.DB, b boardProblem) kpi.Fact {
	t.Helper()
	ctx := testCtx(t)
	f := b.fact
	id, err := db.Store.CreateProblem(ctx, store.NewProblem{Year: 2026, Title: "问题 " + b.model, Description: "看板",
		Model: b.model, Batch: b.batch, BOMNode: b.bomNode, Severity: f.Severity, RaisedBy: "xu.jing", PolicyVersion: db.Version})
	if err != nil {
		t.Fatal(err)
	}
	f.ProblemID = id
	var rows []store.KPIRow
	if f.Counted() {
		on := f.ClosedOnTime()
		rows = append(rows, store.KPIRow{Dimension: "center", DueAt: f.DueAt, OnTime: on})
		for _, d := range f.Departments {
			rows = append(rows, store.KPIRow{Dimension: "department", Key: d, DueAt: f.DueAt, OnTime: on})
		}
		for _, r := range f.Representatives {
			rows = append(rows, store.KPIRow{Dimension: "representative", Key: r, DueAt: f.DueAt, OnTime: on})
		}
	}
	var seals []store.ProblemSeal
	for i, at := range f.EscalatedAt {
		seals = append(seals, store.ProblemSeal{Seq: i + 1, Decision: "escalated", Actor: "zheng.yu", At: at})
	}
	seals = append(seals, store.ProblemSeal{Seq: len(seals) + 1, Decision: f.Status, Actor: "zheng.yu", At: f.RaisedAt})
	err = db.Store.RecordProblem(ctx, store.ProblemRecord{
		Snapshot: store.ProblemSnapshot{ID: id, Status: f.Status, Departments: f.Departments, Representatives: f.Representatives,
			DueAt: f.DueAt, OriginalDueAt: f.DueAt, PublishedAt: f.PublishedAt, ClosedAt: f.ClosedAt, MergedInto: f.MergedInto,
			Escalations: len(f.EscalatedAt), Seq: len(seals), Revision: len(seals), State: json.RawMessage(`{}`)},
		Seals: seals,
		KPI:   rows,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// boardFixture writes the fixture read at now (whole seconds):
//
//	A high, XH-7 B1/1.1, production: open, 2h old, due tomorrow
//	B low,  XH-7 B1/1.2, production+quality: solved (open), 30h old, overdue by 1h
//	C high, XH-9 B2/"", quality: open, 5 days old, overdue, escalated 1 and 3 days ago
//	D high, XH-7 B1/1.1, production: closed 4 days ago on time after 6 days
//	E high, XH-7 B1/1.1: merged into A: counts nowhere (would be open, overdue, escalated)
//	F high, XH-9: raised, never published
//	G low,  XH-9 B2/"", quality: closed 2 days ago, 4 days late, after 6 days
func boardFixture(t *testing.T, db *testkit.DB, now time.Time) []kpi.Fact {
	h := time.Hour
	d := 24 * h
	a := writeBoardProblem(t, db, boardProblem{model: "XH-7", batch: "B1", bomNode: "1.1", fact: kpi.Fact{
		Severity: "high", Status: kpi.StatusInProgress, Departments: []string{"production"}, Representatives: []string{"wang"},
		PublishedAt: now.Add(-2 * h), DueAt: now.Add(d), RaisedAt: now.Add(-3 * h)}})
	facts := []kpi.Fact{a}
	for _, b := range []boardProblem{
		{model: "XH-7", batch: "B1", bomNode: "1.2", fact: kpi.Fact{Severity: "low", Status: kpi.StatusSolved,
			Departments: []string{"production", "quality"}, Representatives: []string{"wang", "li"},
			PublishedAt: now.Add(-30 * h), DueAt: now.Add(-h), RaisedAt: now.Add(-31 * h)}},
		{model: "XH-9", batch: "B2", fact: kpi.Fact{Severity: "high", Status: kpi.StatusInProgress,
			Departments: []string{"quality"}, Representatives: []string{"li"},
			PublishedAt: now.Add(-5 * d), DueAt: now.Add(-2 * d), RaisedAt: now.Add(-6 * d),
			EscalatedAt: []time.Time{now.Add(-3 * d), now.Add(-d)}}},
		{model: "XH-7", batch: "B1", bomNode: "1.1", fact: kpi.Fact{Severity: "high", Status: kpi.StatusClosed,
			Departments: []string{"production"}, Representatives: []string{"wang"},
			PublishedAt: now.Add(-10 * d), DueAt: now.Add(-3 * d), ClosedAt: now.Add(-4 * d), RaisedAt: now.Add(-11 * d)}},
		{model: "XH-7", batch: "B1", bomNode: "1.1", fact: kpi.Fact{Severity: "high", Status: kpi.StatusMerged, MergedInto: a.ProblemID,
			Departments: []string{"production"}, PublishedAt: now.Add(-5 * d), DueAt: now.Add(-d), RaisedAt: now.Add(-6 * d),
			EscalatedAt: []time.Time{now.Add(-d)}}},
		{model: "XH-9", fact: kpi.Fact{Severity: "high", Status: kpi.StatusRaised, RaisedAt: now.Add(-h)}},
		{model: "XH-9", batch: "B2", fact: kpi.Fact{Severity: "low", Status: kpi.StatusClosed,
			Departments: []string{"quality"}, Representatives: []string{"li"},
			PublishedAt: now.Add(-8 * d), DueAt: now.Add(-6 * d), ClosedAt: now.Add(-2 * d), RaisedAt: now.Add(-9 * d)}},
	} {
		facts = append(facts, writeBoardProblem(t, db, b))
	}
	return facts
}

func TestBoardFigures(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	now := time.Now().Truncate(time.Second)
	boardFixture(t, db, now)
	d := 24 * time.Hour

	open, err := db.Store.OpenProblems(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := []kpi.Count{{Key: "high", N: 2}, {Key: "low", N: 1}}; !slices.Equal(open.BySeverity, want) {
		t.Errorf("open by severity = %v, want %v", open.BySeverity, want)
	}
	if open.Overdue != 2 {
		t.Errorf("overdue = %d, want 2 (B, C)", open.Overdue)
	}
	if want := (kpi.Ages{UnderOneDay: 1, OneToThreeDays: 1, ThreeToSevenDays: 1}); open.Ages != want {
		t.Errorf("ages = %+v, want %+v", open.Ages, want)
	}

	depts, err := db.Store.OpenByDepartment(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	wantDepts := []store.DepartmentOpen{
		{Department: "production", Severity: "high", Open: 1},
		{Department: "production", Severity: "low", Open: 1, Overdue: 1},
		{Department: "quality", Severity: "high", Open: 1, Overdue: 1},
		{Department: "quality", Severity: "low", Open: 1, Overdue: 1},
	}
	if !slices.Equal(depts, wantDepts) {
		t.Errorf("open by department = %+v, want %+v", depts, wantDepts)
	}

	esc, err := db.Store.EscalationsPerDay(ctx, now.Add(-30*d), now.Add(time.Second), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	wantEsc := []kpi.Count{{Key: now.Add(-3 * d).UTC().Format(time.DateOnly), N: 1}, {Key: now.Add(-d).UTC().Format(time.DateOnly), N: 1}}
	if !slices.Equal(esc, wantEsc) {
		t.Errorf("escalations per day = %v, want %v (the merged problem's does not count)", esc, wantEsc)
	}

	ttc, err := db.Store.TimeToClose(ctx, now.Add(-30*d), now)
	if err != nil {
		t.Fatal(err)
	}
	if ttc.Closed != 2 || ttc.Total != 12*d {
		t.Errorf("time to close = %+v, want 2 closed in 12 days", ttc)
	}

	models, err := db.Store.ModelBoard(ctx, now, now.Add(-30*d), now.Add(d))
	if err != nil {
		t.Fatal(err)
	}
	wantModels := []store.ModelFigures{
		{Model: "XH-7", Open: 2, Overdue: 1, Closed: 1, Due: 2, OnTime: 1},
		{Model: "XH-9", Open: 1, Overdue: 1, Closed: 1, Due: 2, OnTime: 0},
	}
	if !slices.Equal(models, wantModels) {
		t.Errorf("models = %+v, want %+v", models, wantModels)
	}

	nodes, err := db.Store.ExecutionBoard(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	wantNodes := []store.NodeFigures{
		{Batch: "B1", BOMNode: "1.1", Open: 1},
		{Batch: "B1", BOMNode: "1.2", Open: 1, Overdue: 1},
		{Batch: "B2", Open: 1, Overdue: 1},
	}
	if !slices.Equal(nodes, wantNodes) {
		t.Errorf("execution = %+v, want %+v", nodes, wantNodes)
	}
}

// The SQL figures must equal the kpi package's pure functions on the same facts.
func TestBoardFiguresMatchKPIPackage(t *testing.T) {
	db := testkit.NewDB(t)
	ctx := testCtx(t)
	now := time.Now().Truncate(time.Second)
	facts := boardFixture(t, db, now)
	p := kpi.Period{From: now.Add(-30 * 24 * time.Hour), To: now.Add(time.Hour)}

	open, err := db.Store.OpenProblems(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := kpi.OpenBySeverity(facts, now); !slices.Equal(open.BySeverity, want) {
		t.Errorf("open by severity: SQL %v, kpi %v", open.BySeverity, want)
	}
	if want := kpi.Overdue(facts, now); open.Overdue != want {
		t.Errorf("overdue: SQL %d, kpi %d", open.Overdue, want)
	}
	if want := kpi.Ageing(facts, now); open.Ages != want {
		t.Errorf("ageing: SQL %+v, kpi %+v", open.Ages, want)
	}

	depts, err := db.Store.OpenByDepartment(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, dept := range []string{"production", "quality"} {
		var mine []kpi.Fact
		for _, f := range facts {
			if slices.Contains(f.Departments, dept) {
				mine = append(mine, f)
			}
		}
		var got []kpi.Count
		overdue := 0
		for _, r := range depts {
			if r.Department == dept {
				got = append(got, kpi.Count{Key: r.Severity, N: r.Open})
				overdue += r.Overdue
			}
		}
		if want := kpi.OpenBySeverity(mine, now); !slices.Equal(got, want) {
			t.Errorf("%s open: SQL %v, kpi %v", dept, got, want)
		}
		if want := kpi.Overdue(mine, now); overdue != want {
			t.Errorf("%s overdue: SQL %d, kpi %d", dept, overdue, want)
		}
	}

	esc, err := db.Store.EscalationsPerDay(ctx, p.From, p.To, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, c := range esc {
		sum += c.N
	}
	if want := kpi.Escalations(facts, p); sum != want {
		t.Errorf("escalations: SQL %d, kpi %d", sum, want)
	}

	ttc, err := db.Store.TimeToClose(ctx, p.From, p.To)
	if err != nil {
		t.Fatal(err)
	}
	if want := kpi.TimeToClose(facts, p); ttc != want {
		t.Errorf("time to close: SQL %+v, kpi %+v", ttc, want)
	}

	weeks := kpi.Weeks(now, 4, time.UTC)
	trend, err := db.Store.CenterTrend(ctx, weeks)
	if err != nil {
		t.Fatal(err)
	}
	if want := kpi.Trend(facts, weeks, "", ""); !slices.Equal(trend, want) {
		t.Errorf("trend: SQL %+v, kpi %+v", trend, want)
	}

	center, err := db.Store.CompletionRates(ctx, "center", p.From, p.To)
	if err != nil {
		t.Fatal(err)
	}
	want := kpi.Completion(facts, p).Center
	if len(center) != 1 || center[0].Due != want.Due || center[0].OnTime != want.OnTime {
		t.Errorf("center rate: SQL %+v, kpi %+v", center, want)
	}
}
