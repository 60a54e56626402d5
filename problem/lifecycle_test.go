package problem_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"signoff/policy"
	"signoff/problem"
)

// TestLifecycle follows two problems through a week: the second is merged into the first as a
// duplicate; the first is published to quality, its due date moved, re-published to quality
// and materials, reported solved, refused, reminded, solved again and verified on time.
func TestLifecycle(t *testing.T) {
	var ledger []problem.Seal
	record := func(o problem.Outcome) { ledger = append(ledger, o.Seals...) }
	day := func(d, h, m int) time.Time { return cst(2026, time.March, d, h, m) }

	first, o := newProblem(t, otherID, raiser, "normal", day(2, 9, 30))
	record(o)
	dup, _ := newProblem(t, problemID, problem.Actor{ID: "zhao.lei"}, "normal", day(2, 9, 45))
	do(t, dup, problem.Action{Type: problem.ActMerge, Actor: dispatcher, Comment: "与" + otherID + "重复", MergeInto: otherID}, day(2, 10, 0))
	if dup.Status != problem.StatusMerged || dup.MergedInto != first.ProblemID {
		t.Fatalf("duplicate %+v", dup)
	}

	record(publish(t, first, toQuality, day(2, 10, 0)))
	if !first.DueAt.Equal(day(9, 10, 0)) {
		t.Fatalf("due %s", first.DueAt.In(shanghai))
	}
	record(do(t, first, problem.Action{Type: problem.ActProgress, Actor: qualityRep, Comment: "已隔离可疑批次"}, day(3, 10, 0)))
	record(do(t, first, problem.Action{Type: problem.ActChangeDue, Actor: dispatcher, Comment: "等待供应商来料",
		DueAt: day(13, 18, 0)}, day(4, 10, 0)))
	record(do(t, first, problem.Action{Type: problem.ActRepublish, Actor: dispatcher, Comment: "来料问题，物资部配合",
		Assignments: []problem.Assignment{
			{Department: "quality", Representatives: []string{"li.na"}},
			{Department: "materials", Representatives: []string{"zhao.hui"}},
		}}, day(5, 10, 0)))
	record(do(t, first, problem.Action{Type: problem.ActSolve, Actor: materialsRep, Comment: "已更换来料"}, day(12, 16, 0)))
	record(do(t, first, problem.Action{Type: problem.ActRefuse, Actor: raiser, Comment: "复检仍不合格"}, day(13, 9, 30)))

	// The state survives the JSON it is persisted as, and the timer picks up from it.
	first = roundTrip(t, first)
	at, kind, _, ok := first.NextAlarm()
	if !ok || kind != problem.AlarmReminder || !at.Equal(day(13, 14, 0)) {
		t.Fatalf("alarm %s at %s (%v)", kind, at, ok)
	}
	record(first.Remind(at))
	record(do(t, first, problem.Action{Type: problem.ActSolve, Actor: qualityRep, Comment: "复检合格"}, day(13, 15, 0)))
	record(do(t, first, problem.Action{Type: problem.ActVerify, Actor: raiser}, day(13, 17, 0)))

	want := []problem.Decision{problem.DecRaised, problem.DecPublished, problem.DecProgress, problem.DecDueChanged,
		problem.DecRepublished, problem.DecSolved, problem.DecRefused, problem.DecReminded, problem.DecSolved,
		problem.DecVerified}
	if got := decisions(problem.Outcome{Seals: ledger}); !slices.Equal(got, want) {
		t.Errorf("ledger %v, want %v", got, want)
	}
	for i, s := range ledger {
		if s.Seq != i+1 {
			t.Errorf("seal %d has seq %d", i+1, s.Seq)
		}
	}
	if first.Status != problem.StatusClosed || !first.ClosedOnTime() || !first.Assessed() ||
		first.Reopened != 1 || first.DueChanges != 1 || first.Publications != 2 || first.Escalations != 0 ||
		first.Revision != 7 || !first.OriginalDueAt.Equal(day(9, 10, 0)) {
		t.Errorf("closed problem %+v", first)
	}
	if people := []string{"li.na", raiserID, "zhao.hui", dispatcher.ID}; !slices.Equal(first.Participants, people) {
		t.Errorf("participants %v, want %v", first.Participants, people)
	}
	if err := first.Validate(problem.Action{Type: problem.ActComment, Actor: raiser, Comment: "谢谢"}, day(13, 18, 0)); refusalCode(t, err) != problem.CodeCaseClosed {
		t.Errorf("comment on a closed problem: %v", err)
	}
}

func newProblem(t *testing.T, id string, by problem.Actor, severity string, now time.Time) (*problem.State, problem.Outcome) {
	t.Helper()
	doc := policy.Demo()
	return problem.New(id, by.ID, severity, doc.Production, doc.Calendar, now)
}

func roundTrip(t *testing.T, st *problem.State) *problem.State {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back problem.State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return &back
}
