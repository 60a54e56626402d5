package problem_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"signoff/policy"
	"signoff/problem"
)

func TestNewRaisesAndAsksTheCenter(t *testing.T) {
	doc := policy.Demo()
	st, o := problem.New(problemID, raiserID, "high", doc.Production, doc.Calendar, monday10)
	want := problem.Outcome{
		Seals:   []problem.Seal{{Seq: 1, Decision: problem.DecRaised, Actor: raiserID, Target: "high", At: monday10}},
		Notices: []problem.Notice{{Kind: problem.NoticeTodo, Recipients: []string{problem.RecipientCenter}}},
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("outcome %+v, want %+v", o, want)
	}
	if st.Status != problem.StatusRaised || st.Revision != 0 || st.Seq != 1 || !slices.Equal(st.Participants, []string{raiserID}) {
		t.Errorf("state %+v", st)
	}
	// The problem keeps the rules it was raised under.
	doc.Production.Severities[1].Due = policy.Duration(time.Hour)
	doc.Calendar.WorkDays[0] = "sun"
	if sev, _ := st.Rules.Severity("high"); sev.Due.D() != 16*time.Hour || st.Calendar.WorkDays[0] != "mon" {
		t.Errorf("the snapshot follows the document: %+v, %v", sev, st.Calendar.WorkDays)
	}
}

func TestPublishStartsTheClock(t *testing.T) {
	st := raised(t)
	at := monday10.Add(time.Hour)
	both := []problem.Assignment{
		{Department: "quality", Representatives: []string{"sun.li", "li.na"}},
		{Department: "production", Representatives: []string{"wang.qiang"}},
	}
	o := do(t, st, problem.Action{Type: problem.ActPublish, Actor: dispatcher, Comment: "请质量部牵头", Assignments: both}, at)
	due := cst(2026, time.March, 9, 11, 0)
	wantSeal := problem.Seal{Seq: 2, Decision: problem.DecPublished, Actor: dispatcher.ID, Comment: "请质量部牵头",
		Target: "quality:sun.li,li.na;production:wang.qiang", DueAt: due.UTC(), At: at}
	if !reflect.DeepEqual(o.Seals, []problem.Seal{wantSeal}) {
		t.Errorf("seals %+v, want %+v", o.Seals, wantSeal)
	}
	wantNotices := []problem.Notice{
		{Kind: problem.NoticeTodo, Recipients: []string{"li.na", "sun.li", "wang.qiang"}},
		{Kind: problem.NoticePublished, Recipients: []string{raiserID}},
	}
	if !reflect.DeepEqual(o.Notices, wantNotices) {
		t.Errorf("notices %+v, want %+v", o.Notices, wantNotices)
	}
	if st.Status != problem.StatusInProgress || !st.PublishedAt.Equal(at) || !st.DueAt.Equal(due) ||
		st.Publications != 1 || st.Escalations != 0 || st.Revision != 1 || st.Reminded || st.Rung != 0 {
		t.Errorf("state %+v", st)
	}
	wantPeople := []string{"li.na", "sun.li", "wang.qiang", raiserID, dispatcher.ID}
	if !slices.Equal(st.Participants, wantPeople) {
		t.Errorf("participants %v, want %v", st.Participants, wantPeople)
	}
	both[0].Representatives[0] = "changed.later"
	if st.Assignments[0].Representatives[0] != "sun.li" {
		t.Error("the state shares the action's assignments")
	}
}

// TestUrgentProblemsAreEscalatedAtPublication: an urgent problem goes up to every rung's targets
// (the center's director and the department's leader) the moment it is published; the ladder
// still waits for the due date.
func TestUrgentProblemsAreEscalatedAtPublication(t *testing.T) {
	st := raise(t, problemID, raiser, "urgent", monday10)
	at := monday10.Add(time.Hour)
	o := publish(t, st, toQuality, at)
	if got := decisions(o); !slices.Equal(got, []problem.Decision{problem.DecPublished, problem.DecEscalated}) {
		t.Fatalf("decisions %v", got)
	}
	esc := o.Seals[1]
	everyone := []string{problem.RecipientCenterDirector, problem.DepartmentLeader(toQuality[0].Department)}
	if esc.Actor != problem.SystemActor || esc.Target != strings.Join(everyone, ",") || esc.Seq != 3 {
		t.Errorf("escalation seal %+v", esc)
	}
	if last := o.Notices[len(o.Notices)-1]; last.Kind != problem.NoticeEscalation ||
		!slices.Equal(last.Recipients, everyone) {
		t.Errorf("last notice %+v", last)
	}
	if st.Escalations != 1 || st.Rung != 0 {
		t.Errorf("escalations %d, rung %d", st.Escalations, st.Rung)
	}
	// Due 8 working hours after publication, Tuesday 11:00; the reminder still comes first.
	if when, kind, _, ok := st.NextAlarm(); !ok || kind != problem.AlarmReminder || !when.Equal(cst(2026, time.March, 2, 16, 0)) {
		t.Errorf("next alarm %s at %s (%v)", kind, when, ok)
	}

	normal := raised(t)
	if o := publish(t, normal, toQuality, at); len(o.Seals) != 1 || normal.Escalations != 0 {
		t.Errorf("a normal problem was escalated: %v", decisions(o))
	}
}

func TestRejectAndMergeEndTheProblem(t *testing.T) {
	at := monday10.Add(time.Hour)
	st := rejected(t)
	if st.Status != problem.StatusRejected || !st.ClosedAt.IsZero() || st.Assessed() {
		t.Errorf("rejected: %+v", st)
	}

	st = raised(t)
	o := do(t, st, problem.Action{Type: problem.ActMerge, Actor: dispatcher, Comment: "与017重复", MergeInto: otherID}, at)
	want := problem.Outcome{
		Seals: []problem.Seal{{Seq: 2, Decision: problem.DecMerged, Actor: dispatcher.ID, Comment: "与017重复",
			Target: otherID, At: at}},
		Notices: []problem.Notice{{Kind: problem.NoticeMerged, Recipients: []string{raiserID}}},
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("outcome %+v, want %+v", o, want)
	}
	if st.Status != problem.StatusMerged || st.MergedInto != otherID || !st.ClosedAt.IsZero() || st.Assessed() {
		t.Errorf("merged: %+v", st)
	}
}

func TestChangeDueIsRecorded(t *testing.T) {
	st := inProgress(t)
	original := st.DueAt
	newDue := cst(2026, time.March, 11, 18, 0)
	at := monday10.Add(2 * time.Hour)
	o := do(t, st, problem.Action{Type: problem.ActChangeDue, Actor: dispatcher, Comment: "等供应商来料", DueAt: newDue}, at)
	want := problem.Outcome{
		Seals: []problem.Seal{{Seq: 3, Decision: problem.DecDueChanged, Actor: dispatcher.ID, Comment: "等供应商来料",
			Target: "2026-03-09T03:00:00Z→2026-03-11T10:00:00Z", DueAt: newDue.UTC(), At: at}},
		Notices: []problem.Notice{{Kind: problem.NoticeDueChanged, Recipients: []string{raiserID, "li.na"}}},
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("outcome %+v, want %+v", o, want)
	}
	if !st.DueAt.Equal(newDue) || !st.OriginalDueAt.Equal(original) || st.DueChanges != 1 || st.Revision != 2 {
		t.Errorf("state %+v", st)
	}
}

func TestRepublish(t *testing.T) {
	st := inProgress(t)
	due := st.DueAt
	at := monday10.Add(2 * time.Hour)
	wider := []problem.Assignment{
		{Department: "production", Representatives: []string{"wang.qiang"}},
		{Department: "quality", Representatives: []string{"li.na", "sun.li"}},
	}
	o := do(t, st, problem.Action{Type: problem.ActRepublish, Actor: dispatcher, Comment: "生产部牵头", Assignments: wider}, at)
	if got := decisions(o); !slices.Equal(got, []problem.Decision{problem.DecRepublished}) {
		t.Fatalf("decisions %v", got)
	}
	if s := o.Seals[0]; s.Target != "production:wang.qiang;quality:li.na,sun.li" || !s.DueAt.Equal(due) {
		t.Errorf("seal %+v", s)
	}
	wantNotices := []problem.Notice{{Kind: problem.NoticeTodo, Recipients: []string{"li.na", "sun.li", "wang.qiang"}}}
	if !reflect.DeepEqual(o.Notices, wantNotices) {
		t.Errorf("notices %+v, want %+v", o.Notices, wantNotices)
	}
	if st.Publications != 2 || !st.DueAt.Equal(due) || st.DueChanges != 0 || st.Assignments[0].Department != "production" {
		t.Errorf("state %+v", st)
	}

	// The same publication in another order is no re-publication.
	same := []problem.Assignment{
		{Department: "quality", Representatives: []string{"sun.li", "li.na"}},
		{Department: "production", Representatives: []string{"wang.qiang"}},
	}
	a := problem.Action{Type: problem.ActRepublish, Actor: dispatcher, Revision: st.Revision, Comment: "x", Assignments: same}
	if got := refusalCode(t, st.Validate(a, at)); got != problem.CodeInvalidTarget {
		t.Errorf("same assignments: got %q", got)
	}
	// A new due date must lie ahead; the one in force may be repeated.
	toPlanning := []problem.Assignment{{Department: "planning", Representatives: []string{"chen.gang"}}}
	a = problem.Action{Type: problem.ActRepublish, Actor: dispatcher, Revision: st.Revision, Comment: "x",
		Assignments: toPlanning, DueAt: at.Add(-time.Minute)}
	if got := refusalCode(t, st.Validate(a, at)); got != problem.CodeInvalidDue {
		t.Errorf("past due: got %q", got)
	}
	a.DueAt = due.In(shanghai)
	if got := refusalCode(t, st.Validate(a, at)); got != "" {
		t.Errorf("due in force: got %q", got)
	}

	// Moving it to planning with a new due date records both, and tells those it was taken from.
	newDue := cst(2026, time.March, 12, 18, 0)
	at = at.Add(time.Hour)
	o = do(t, st, problem.Action{Type: problem.ActRepublish, Actor: dispatcher, Comment: "计划问题",
		Assignments: toPlanning, DueAt: newDue}, at)
	if got := decisions(o); !slices.Equal(got, []problem.Decision{problem.DecRepublished, problem.DecDueChanged}) {
		t.Fatalf("decisions %v", got)
	}
	if o.Seals[0].Seq+1 != o.Seals[1].Seq || !o.Seals[0].DueAt.Equal(newDue) || o.Seals[1].Comment != "计划问题" {
		t.Errorf("seals %+v", o.Seals)
	}
	wantNotices = []problem.Notice{
		{Kind: problem.NoticeTodo, Recipients: []string{"chen.gang"}},
		{Kind: problem.NoticeUnassigned, Recipients: []string{"li.na", "sun.li", "wang.qiang"}},
	}
	if !reflect.DeepEqual(o.Notices, wantNotices) {
		t.Errorf("notices %+v, want %+v", o.Notices, wantNotices)
	}
	if st.Publications != 3 || st.DueChanges != 1 || !st.DueAt.Equal(newDue) || st.Revision != 3 {
		t.Errorf("state %+v", st)
	}
	// Those it was taken from may no longer act on it, but stay participants.
	if st.Responsible(qualityRep) || !st.Responsible(planningRep) || !slices.Contains(st.Participants, "li.na") {
		t.Errorf("responsibility after re-publication: %+v", st)
	}
}

func TestSolveVerifyRefuse(t *testing.T) {
	st := inProgress(t)
	at := monday10.Add(24 * time.Hour)
	o := do(t, st, problem.Action{Type: problem.ActSolve, Actor: qualityMate, Comment: "已返工"}, at)
	wantNotices := []problem.Notice{{Kind: problem.NoticeTodo, Recipients: []string{raiserID, problem.RecipientCenter}}}
	if !reflect.DeepEqual(o.Notices, wantNotices) {
		t.Errorf("solve notices %+v, want %+v", o.Notices, wantNotices)
	}
	if st.Status != problem.StatusSolved || !st.SolvedAt.Equal(at) || st.SolvedBy != qualityMate.ID {
		t.Errorf("solved: %+v", st)
	}

	o = do(t, st, problem.Action{Type: problem.ActRefuse, Actor: raiser, Comment: "复检仍不合格"}, at.Add(time.Hour))
	wantNotices = []problem.Notice{{Kind: problem.NoticeReopened, Recipients: []string{"li.na"}}}
	if !reflect.DeepEqual(o.Notices, wantNotices) {
		t.Errorf("refuse notices %+v, want %+v", o.Notices, wantNotices)
	}
	if st.Status != problem.StatusInProgress || st.Reopened != 1 || !st.SolvedAt.IsZero() || st.SolvedBy != "" {
		t.Errorf("refused: %+v", st)
	}

	do(t, st, problem.Action{Type: problem.ActSolve, Actor: qualityRep}, at.Add(2*time.Hour))
	o = do(t, st, problem.Action{Type: problem.ActVerify, Actor: dispatcher}, at.Add(3*time.Hour))
	wantNotices = []problem.Notice{{Kind: problem.NoticeClosed, Recipients: []string{raiserID, "li.na"}}}
	if !reflect.DeepEqual(o.Notices, wantNotices) {
		t.Errorf("verify notices %+v, want %+v", o.Notices, wantNotices)
	}
	if st.Status != problem.StatusClosed || !st.ClosedAt.Equal(at.Add(3*time.Hour)) || st.Reopened != 1 || !st.ClosedOnTime() {
		t.Errorf("closed: %+v", st)
	}
}

// TestTheCenterEscalatesWhatItCannotResolve: outside the ladder, at once, with its reason, to the
// center's director and the responsible department's leader together.
func TestTheCenterEscalatesWhatItCannotResolve(t *testing.T) {
	st := inProgress(t)
	at := monday10.Add(3 * time.Hour)
	o := do(t, st, problem.Action{Type: problem.ActEscalate, Actor: dispatcher, Comment: "跨部门无法协调"}, at)
	everyone := []string{problem.RecipientCenterDirector, problem.DepartmentLeader("quality")}
	want := problem.Outcome{
		Seals: []problem.Seal{{Seq: 3, Decision: problem.DecEscalated, Actor: dispatcher.ID, Comment: "跨部门无法协调",
			Target: strings.Join(everyone, ","), At: at}},
		Notices: []problem.Notice{{Kind: problem.NoticeEscalation, Recipients: everyone}},
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("outcome %+v, want %+v", o, want)
	}
	if st.Escalations != 1 || st.Rung != 0 || st.Revision != 2 {
		t.Errorf("state %+v", st)
	}
}

// TestRevisions: every decision bumps the revision; posts do not.
func TestRevisions(t *testing.T) {
	st := inProgress(t)
	for _, step := range []struct {
		a    problem.Action
		bump int
	}{
		{problem.Action{Type: problem.ActComment, Actor: raiser, Comment: "?"}, 0},
		{problem.Action{Type: problem.ActProgress, Actor: qualityRep, Comment: "处理中"}, 0},
		{problem.Action{Type: problem.ActEscalate, Actor: dispatcher, Comment: "升级"}, 1},
		{problem.Action{Type: problem.ActSolve, Actor: qualityRep}, 1},
		{problem.Action{Type: problem.ActComment, Actor: qualityRep, Comment: "请验证"}, 0},
		{problem.Action{Type: problem.ActRefuse, Actor: raiser, Comment: "未解决"}, 1},
	} {
		before, seq := st.Revision, st.Seq
		o := do(t, st, step.a, lastAt)
		if st.Revision != before+step.bump {
			t.Errorf("%s: revision %d → %d, want +%d", step.a.Type, before, st.Revision, step.bump)
		}
		if len(o.Seals) != 1 || o.Seals[0].Seq != seq+1 {
			t.Errorf("%s: seals %+v after seq %d", step.a.Type, o.Seals, seq)
		}
	}
}

func TestNoticesSkipTheActor(t *testing.T) {
	// li.na raised it and is the only one named: solving it herself asks only the center.
	st := raise(t, problemID, qualityRep, "normal", monday10)
	publish(t, st, toQuality, monday10.Add(time.Hour))
	o := do(t, st, problem.Action{Type: problem.ActSolve, Actor: qualityRep}, monday10.Add(2*time.Hour))
	want := []problem.Notice{{Kind: problem.NoticeTodo, Recipients: []string{problem.RecipientCenter}}}
	if !reflect.DeepEqual(o.Notices, want) {
		t.Errorf("notices %+v, want %+v", o.Notices, want)
	}
	// A progress post to herself is not sent at all.
	st = raise(t, problemID, qualityRep, "normal", monday10)
	publish(t, st, toQuality, monday10.Add(time.Hour))
	if o := do(t, st, problem.Action{Type: problem.ActProgress, Actor: qualityRep, Comment: "已处理一半"}, monday10.Add(2*time.Hour)); len(o.Notices) != 0 {
		t.Errorf("notices %+v", o.Notices)
	}
}

func TestCloneIsDeep(t *testing.T) {
	st := inProgress(t)
	c := st.Clone()
	c.Assignments[0].Representatives[0] = "someone.else"
	c.Participants[0] = "someone.else"
	c.Rules.Escalation[0].To = "nobody"
	c.Rules.Severities[0].ID = "nothing"
	c.Calendar.Holidays[0] = "2026-12-31"
	if !reflect.DeepEqual(st, inProgress(t)) {
		t.Errorf("changing the clone changed the original: %+v", st)
	}
}

// TestHolders: who must act now, as the role board shows it.
func TestHolders(t *testing.T) {
	center := problem.RecipientCenter
	tests := []struct {
		fixture func(*testing.T) *problem.State
		want    []string
	}{
		{raised, []string{center}},
		{inProgress, []string{"li.na"}},
		{solved, []string{raiserID, center}},
		{solvedByItsRaiser, []string{center}},
		{closed, nil},
		{rejected, nil},
		{merged, nil},
	}
	for _, tt := range tests {
		st := tt.fixture(t)
		if got := st.Holders(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: holders %v, want %v", st.Status, got, tt.want)
		}
	}
	st := raised(t)
	publish(t, st, []problem.Assignment{
		{Department: "quality", Representatives: []string{"sun.li", "li.na"}},
		{Department: "materials", Representatives: []string{"zhao.hui", "li.na"}},
	}, monday10)
	if got, want := st.Departments(), []string{"quality", "materials"}; !slices.Equal(got, want) {
		t.Errorf("departments %v, want %v", got, want)
	}
	if got, want := st.Representatives(), []string{"li.na", "sun.li", "zhao.hui"}; !slices.Equal(got, want) {
		t.Errorf("representatives %v, want %v", got, want)
	}
}
