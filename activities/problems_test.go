package activities_test

import (
	"testing"
	"time"

	"signoff/activities"
	"signoff/demo"
	"signoff/problem"
	"signoff/store"
	"signoff/testkit"
)

// raiseProblem writes a high-severity problem raised by xu.jing and returns its state as the
// workflow starts it, with the raise's outcome.
func raiseProblem(t *testing.T, db *testkit.DB, rules activities.ProblemRules, at time.Time) (*problem.State, problem.Outcome) {
	t.Helper()
	id, err := db.Store.CreateProblem(testCtx(t), store.NewProblem{Year: 2026, Title: "总装扭矩超差",
		Description: "XH-7 第三批", Severity: "high", RaisedBy: "xu.jing", PolicyVersion: db.Version})
	if err != nil {
		t.Fatal(err)
	}
	return problem.New(id, "xu.jing", "high", rules.Rules, rules.Calendar, at)
}

// TestRecordProblemWritesEachTransitionOnce: a problem's transitions, from the raise to the
// verification, each write their seal, snapshot, outbox rows (symbolic recipients resolved
// against the registry) and completion-rate rows once; a retry writes nothing, so the daily
// counts are neither doubled nor lost, and a second problem due the same day adds to them.
func TestRecordProblemWritesEachTransitionOnce(t *testing.T) {
	db := testkit.NewDB(t)
	if err := demo.SeedRegistry(testCtx(t), db.Store); err != nil {
		t.Fatal(err)
	}
	acts, env := actEnv(t, db, allChannels)
	rules := mustRun[activities.ProblemRules](t, env, acts.LoadProblemRules, activities.ProblemRulesInput{PolicyVersion: db.Version})
	center := problem.Actor{ID: "liu.yang", Center: true}
	rep := problem.Actor{ID: "huang.lei", Departments: []string{"engineering"}}
	raiser := problem.Actor{ID: "xu.jing"}
	toEngineering := []problem.Assignment{{Department: "engineering", Representatives: []string{"huang.lei"}}}

	first, raised := raiseProblem(t, db, rules, monday10)
	second, raisedToo := raiseProblem(t, db, rules, monday10)
	// kpi are the completion rate's three rows of a published problem: the center, engineering
	// and huang.lei.
	steps := []struct {
		name   string
		st     *problem.State
		raise  problem.Outcome // the raise's, when act is zero
		act    problem.Action
		people int64 // notified, on three channels each
		want   writes
	}{
		// The center's director and dispatcher (zheng.yu, liu.yang) screen it.
		{"raise", first, raised, problem.Action{}, 2, writes{"problem_seals": 1, "problems": 0}},
		// huang.lei has a to-do, xu.jing hears it was published; it now counts.
		{"publish", first, problem.Outcome{}, problem.Action{Type: problem.ActPublish, Actor: center, Assignments: toEngineering},
			2, writes{"problem_seals": 1, "problems": 0, "problem_kpi": 3, "problem_kpi_daily": 3}},
		// xu.jing and the center verify; the rows counted do not change.
		{"solve", first, problem.Outcome{}, problem.Action{Type: problem.ActSolve, Actor: rep, Comment: "更换扭矩扳手"},
			3, writes{"problem_seals": 1, "problems": 0}},
		// huang.lei hears it closed; it now counts as on time.
		{"verify", first, problem.Outcome{}, problem.Action{Type: problem.ActVerify, Actor: raiser, Comment: "复检合格"},
			1, writes{"problem_seals": 1, "problems": 0, "problem_kpi": 0, "problem_kpi_daily": 0}},
		{"raise another", second, raisedToo, problem.Action{}, 2, writes{"problem_seals": 1, "problems": 0}},
		// Due the same day as the first: its rows add to the same daily counts.
		{"publish another", second, problem.Outcome{}, problem.Action{Type: problem.ActPublish, Actor: center, Assignments: toEngineering},
			2, writes{"problem_seals": 1, "problems": 0, "problem_kpi": 3, "problem_kpi_daily": 0}},
	}
	var published activities.RecordProblemInput
	for i, s := range steps {
		at := monday10.Add(time.Duration(i) * time.Minute)
		out := s.raise
		if s.act.Type != "" {
			s.act.Revision = s.st.Revision
			if err := s.st.Validate(s.act, at); err != nil {
				t.Fatalf("%s refused: %v", s.name, err)
			}
			out = s.st.Apply(s.act, at)
		}
		in := activities.RecordProblemInput{State: s.st.Clone(), Outcome: out}
		if s.name == "publish" {
			published = in
		}
		want := writes{"notifications": 3 * s.people}
		for k, v := range s.want {
			want[k] = v
		}
		res := once(t, db, s.name, func() (activities.RecordResult, error) {
			return run[activities.RecordResult](t, env, acts.RecordProblem, in)
		}, want)
		if res.ToDeliver != int(2*s.people) {
			t.Errorf("%s: %d to deliver, want %d", s.name, res.ToDeliver, 2*s.people)
		}
	}
	// A late retry of the publication, after the verification, writes nothing: the first
	// problem stays closed and on time.
	snap := snapshot(t, db)
	mustRun[activities.RecordResult](t, env, acts.RecordProblem, published)
	if got := snap.writes(snapshot(t, db)); len(got) != 0 {
		t.Errorf("late retry of the publication wrote %v", got)
	}
	loc, err := time.LoadLocation(rules.Calendar.Timezone)
	if err != nil {
		t.Fatal(err)
	}
	day := first.DueAt.In(loc)
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	for _, period := range []struct {
		name     string
		from, to time.Time
	}{
		{"the due day (daily counts)", from, from.AddDate(0, 0, 1)},
		{"around the due times (detail rows)", first.DueAt.Add(-time.Minute), second.DueAt.Add(time.Minute)},
	} {
		rates, err := db.Store.CompletionRates(testCtx(t), "department", period.from, period.to)
		if err != nil {
			t.Fatal(err)
		}
		if len(rates) != 1 || rates[0] != (store.RateRow{Key: "engineering", Due: 2, OnTime: 1}) {
			t.Errorf("engineering over %s = %+v, want 1 of 2 on time", period.name, rates)
		}
	}
}
