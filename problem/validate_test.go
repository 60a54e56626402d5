package problem_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"signoff/problem"
)

// naturalAction is each action as its most plausible actor would send it: well-formed, so only
// the problem's status can refuse it.
func naturalAction(typ problem.ActionType, now time.Time) problem.Action {
	a := problem.Action{Type: typ, Actor: dispatcher, Comment: "理由"}
	switch typ {
	case problem.ActPublish:
		a.Assignments = toQuality
	case problem.ActRepublish:
		a.Assignments = []problem.Assignment{{Department: "production", Representatives: []string{productionRep.ID}}}
	case problem.ActMerge:
		a.MergeInto = otherID
	case problem.ActChangeDue:
		a.DueAt = now.Add(30 * 24 * time.Hour)
	case problem.ActProgress, problem.ActSolve:
		a.Actor = qualityRep
	case problem.ActVerify, problem.ActRefuse, problem.ActComment:
		a.Actor = raiser
	}
	return a
}

// TestValidateEveryActionInEveryStatus is the matrix of what each status allows, each action
// sent by the person most likely to send it. Closed problems refuse everything.
func TestValidateEveryActionInEveryStatus(t *testing.T) {
	const ok = problem.Code("")
	var (
		now   = problem.CodeNotAllowedNow
		gone  = problem.CodeCaseClosed
		allOf = func(c problem.Code) []problem.Code {
			return []problem.Code{c, c, c, c, c, c, c, c, c, c, c}
		}
	)
	// In the order of problem.Actions: publish, merge, reject, republish, change_due, escalate,
	// progress, solve, verify, refuse, comment.
	tests := []struct {
		status  problem.Status
		fixture func(*testing.T) *problem.State
		want    []problem.Code
	}{
		{problem.StatusRaised, raised, []problem.Code{ok, ok, ok, now, now, now, now, now, now, now, ok}},
		{problem.StatusInProgress, inProgress, []problem.Code{now, now, now, ok, ok, ok, ok, ok, now, now, ok}},
		{problem.StatusSolved, solved, []problem.Code{now, now, now, now, ok, now, now, now, ok, ok, ok}},
		{problem.StatusClosed, closed, allOf(gone)},
		{problem.StatusRejected, rejected, allOf(gone)},
		{problem.StatusMerged, merged, allOf(gone)},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			st := tt.fixture(t)
			if st.Status != tt.status {
				t.Fatalf("fixture status = %s, want %s", st.Status, tt.status)
			}
			if len(tt.want) != len(problem.Actions) {
				t.Fatalf("%d expectations for %d actions", len(tt.want), len(problem.Actions))
			}
			for i, typ := range problem.Actions {
				a := naturalAction(typ, lastAt)
				a.Revision = st.Revision
				if got := refusalCode(t, st.Validate(a, lastAt)); got != tt.want[i] {
					t.Errorf("%s by %s: got %q, want %q", typ, a.Actor.ID, got, tt.want[i])
				}
			}
		})
	}
}

// TestOnlyTheCenterScreensAndSteers: publishing, rejecting, merging, re-publishing, moving the
// due date and escalating are the center's alone, whoever else is on the problem.
func TestOnlyTheCenterScreensAndSteers(t *testing.T) {
	tests := []struct {
		typ     problem.ActionType
		fixture func(*testing.T) *problem.State
	}{
		{problem.ActPublish, raised},
		{problem.ActReject, raised},
		{problem.ActMerge, raised},
		{problem.ActRepublish, inProgress},
		{problem.ActChangeDue, inProgress},
		{problem.ActChangeDue, solved},
		{problem.ActEscalate, inProgress},
	}
	for _, tt := range tests {
		st := tt.fixture(t)
		for _, who := range []problem.Actor{raiser, qualityRep, qualityMate, outsider, dispatcher, director} {
			a := naturalAction(tt.typ, lastAt)
			a.Actor, a.Revision = who, st.Revision
			want := problem.CodeNotAssignee
			if who.Center {
				want = ""
			}
			if got := refusalCode(t, st.Validate(a, lastAt)); got != want {
				t.Errorf("%s on a %s problem by %s: got %q, want %q", tt.typ, st.Status, who.ID, got, want)
			}
		}
	}
}

func TestPublicationNeedsDepartmentsWithRepresentatives(t *testing.T) {
	type as = []problem.Assignment
	tests := []struct {
		name        string
		assignments as
		want        problem.Code
	}{
		{"none", nil, problem.CodeInvalidTarget},
		{"no department", as{{Department: "", Representatives: []string{"li.na"}}}, problem.CodeInvalidTarget},
		{"blank department", as{{Department: "  ", Representatives: []string{"li.na"}}}, problem.CodeInvalidTarget},
		{"no representative", as{{Department: "quality"}}, problem.CodeInvalidTarget},
		{"blank representative", as{{Department: "quality", Representatives: []string{" "}}}, problem.CodeInvalidTarget},
		{"representative twice", as{{Department: "quality", Representatives: []string{"li.na", "li.na"}}}, problem.CodeInvalidTarget},
		{"department twice", as{
			{Department: "quality", Representatives: []string{"li.na"}},
			{Department: "quality", Representatives: []string{"sun.li"}},
		}, problem.CodeInvalidTarget},
		{"one department", toQuality, ""},
		{"two departments sharing a representative", as{
			{Department: "quality", Representatives: []string{"li.na", "sun.li"}},
			{Department: "production", Representatives: []string{"wang.qiang", "li.na"}},
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := raised(t)
			a := problem.Action{Type: problem.ActPublish, Actor: dispatcher, Assignments: tt.assignments}
			if got := refusalCode(t, st.Validate(a, lastAt)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			// A re-publication is held to the same rules.
			ip := inProgress(t)
			a = problem.Action{Type: problem.ActRepublish, Actor: dispatcher, Revision: ip.Revision,
				Comment: "改派", Assignments: tt.assignments}
			want := tt.want
			if tt.name == "one department" { // the very publication in force
				want = problem.CodeInvalidTarget
			}
			if got := refusalCode(t, ip.Validate(a, lastAt)); got != want {
				t.Errorf("republish: got %q, want %q", got, want)
			}
		})
	}
}

func TestPublicationDueDate(t *testing.T) {
	at := monday10
	tests := []struct {
		name     string
		severity string
		due      time.Time
		want     problem.Code
		wantDue  time.Time
	}{
		{"urgent by default: 8 working hours", "urgent", time.Time{}, "", cst(2026, time.March, 3, 10, 0)},
		{"high by default: 16 working hours", "high", time.Time{}, "", cst(2026, time.March, 4, 10, 0)},
		{"normal by default: 40 working hours, over the weekend", "normal", time.Time{}, "", cst(2026, time.March, 9, 10, 0)},
		{"low by default: 80 working hours", "low", time.Time{}, "", cst(2026, time.March, 16, 10, 0)},
		{"given, even on a weekend", "normal", cst(2026, time.March, 7, 12, 0), "", cst(2026, time.March, 7, 12, 0)},
		{"given, a minute ahead", "normal", at.Add(time.Minute), "", at.Add(time.Minute)},
		{"given, now", "normal", at, problem.CodeInvalidDue, time.Time{}},
		{"given, past", "normal", at.Add(-time.Hour), problem.CodeInvalidDue, time.Time{}},
		{"unknown severity has no default", "cosmic", time.Time{}, problem.CodeInvalidDue, time.Time{}},
		{"unknown severity, given", "cosmic", at.Add(time.Hour), "", at.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := raise(t, problemID, raiser, tt.severity, at.Add(-time.Hour))
			a := problem.Action{Type: problem.ActPublish, Actor: dispatcher, Assignments: toQuality, DueAt: tt.due}
			got := refusalCode(t, st.Validate(a, at))
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if got != "" {
				return
			}
			st.Apply(a, at)
			if !st.DueAt.Equal(tt.wantDue) || !st.OriginalDueAt.Equal(tt.wantDue) {
				t.Errorf("due %s (original %s), want %s", st.DueAt, st.OriginalDueAt, tt.wantDue)
			}
			if st.DueAt.Location() != time.UTC {
				t.Errorf("due %s is not kept in UTC", st.DueAt)
			}
		})
	}
}

// TestReasons: what must be explained is refused without a reason; a blank one does not count.
func TestReasons(t *testing.T) {
	tests := []struct {
		typ     problem.ActionType
		fixture func(*testing.T) *problem.State
		needs   bool
	}{
		{problem.ActPublish, raised, false},
		{problem.ActReject, raised, true},
		{problem.ActMerge, raised, true},
		{problem.ActRepublish, inProgress, true},
		{problem.ActChangeDue, inProgress, true},
		{problem.ActEscalate, inProgress, true},
		{problem.ActProgress, inProgress, true},
		{problem.ActSolve, inProgress, false},
		{problem.ActVerify, solved, false},
		{problem.ActRefuse, solved, true},
		{problem.ActComment, raised, true},
	}
	for _, tt := range tests {
		for _, comment := range []string{"", " \n\t"} {
			st := tt.fixture(t)
			a := naturalAction(tt.typ, lastAt)
			a.Comment, a.Revision = comment, st.Revision
			want := problem.Code("")
			if tt.needs {
				want = problem.CodeReasonRequired
			}
			if got := refusalCode(t, st.Validate(a, lastAt)); got != want {
				t.Errorf("%s with comment %q: got %q, want %q", tt.typ, comment, got, want)
			}
		}
	}
	st := raised(t)
	a := naturalAction(problem.ActReject, lastAt)
	a.Comment = strings.Repeat("长", problem.MaxCommentLen+1)
	if got := refusalCode(t, st.Validate(a, lastAt)); got != problem.CodeInvalidAction {
		t.Errorf("over-long reason: got %q, want %q", got, problem.CodeInvalidAction)
	}
}

func TestMergeTarget(t *testing.T) {
	for _, target := range []string{"", problemID, "PRB-26-000017", "prb-2026-000017", "PRB-2026-00001x", "EXP-2026-000017"} {
		st := raised(t)
		a := problem.Action{Type: problem.ActMerge, Actor: dispatcher, Comment: "重复", MergeInto: target}
		if got := refusalCode(t, st.Validate(a, lastAt)); got != problem.CodeInvalidTarget {
			t.Errorf("merge into %q: got %q, want %q", target, got, problem.CodeInvalidTarget)
		}
	}
}

func TestChangeDueNeedsAnotherFutureDate(t *testing.T) {
	st := inProgress(t)
	tests := []struct {
		name string
		due  time.Time
		want problem.Code
	}{
		{"none", time.Time{}, problem.CodeInvalidDue},
		{"unchanged", st.DueAt, problem.CodeInvalidDue},
		{"unchanged, in another zone", st.DueAt.In(shanghai), problem.CodeInvalidDue},
		{"now", lastAt, problem.CodeInvalidDue},
		{"past", lastAt.Add(-time.Minute), problem.CodeInvalidDue},
		{"earlier than before but ahead", lastAt.Add(time.Hour), ""},
		{"later", st.DueAt.Add(48 * time.Hour), ""},
	}
	for _, tt := range tests {
		a := problem.Action{Type: problem.ActChangeDue, Actor: dispatcher, Revision: st.Revision, Comment: "等来料", DueAt: tt.due}
		if got := refusalCode(t, st.Validate(a, lastAt)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestResponsibleSide: progress and solutions come from a representative of an assigned
// department, named or not, and from no one else.
func TestResponsibleSide(t *testing.T) {
	namedOnly := problem.Actor{ID: qualityRep.ID} // the registry no longer lists her, but she is named
	tests := []struct {
		who  problem.Actor
		want problem.Code
	}{
		{qualityRep, ""},
		{qualityMate, ""},
		{namedOnly, ""},
		{productionRep, problem.CodeNotAssignee},
		{dispatcher, problem.CodeNotAssignee},
		{raiser, problem.CodeNotAssignee},
		{outsider, problem.CodeNotAssignee},
	}
	for _, tt := range tests {
		for _, typ := range []problem.ActionType{problem.ActProgress, problem.ActSolve} {
			st := inProgress(t)
			a := problem.Action{Type: typ, Actor: tt.who, Revision: st.Revision, Comment: "进展"}
			if got := refusalCode(t, st.Validate(a, lastAt)); got != tt.want {
				t.Errorf("%s by %s: got %q, want %q", typ, tt.who.ID, got, tt.want)
			}
		}
	}
}

// TestVerification: the raiser or the center judges a solution, never the one who reported it.
func TestVerification(t *testing.T) {
	tests := []struct {
		name  string
		who   problem.Actor
		typ   problem.ActionType
		want  problem.Code
		state func(*testing.T) *problem.State
	}{
		{"raiser verifies", raiser, problem.ActVerify, "", solved},
		{"center verifies", dispatcher, problem.ActVerify, "", solved},
		{"solver verifies", qualityRep, problem.ActVerify, problem.CodeNotAssignee, solved},
		{"colleague verifies", qualityMate, problem.ActVerify, problem.CodeNotAssignee, solved},
		{"outsider verifies", outsider, problem.ActVerify, problem.CodeNotAssignee, solved},
		{"raiser refuses", raiser, problem.ActRefuse, "", solved},
		{"center refuses", director, problem.ActRefuse, "", solved},
		{"solver refuses", qualityRep, problem.ActRefuse, problem.CodeNotAssignee, solved},
		{"not yet solved", raiser, problem.ActVerify, problem.CodeNotAllowedNow, inProgress},
		{"raiser who solved it verifies", qualityRep, problem.ActVerify, problem.CodeSoDConflict, solvedByItsRaiser},
		{"raiser who solved it refuses", qualityRep, problem.ActRefuse, "", solvedByItsRaiser},
		{"center verifies a raiser's own solution", dispatcher, problem.ActVerify, "", solvedByItsRaiser},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.state(t)
			a := problem.Action{Type: tt.typ, Actor: tt.who, Revision: st.Revision, Comment: "复检"}
			if got := refusalCode(t, st.Validate(a, lastAt)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// solvedByItsRaiser: li.na raised a problem of her own department and reported it solved.
func solvedByItsRaiser(t *testing.T) *problem.State {
	st := raise(t, problemID, qualityRep, "normal", monday10)
	publish(t, st, toQuality, monday10.Add(time.Hour))
	do(t, st, problem.Action{Type: problem.ActSolve, Actor: qualityRep}, monday10.Add(2*time.Hour))
	return st
}

// TestPostsAreNeverStale: comments and progress carry no decision, so an old revision does not
// refuse them, while every deciding action needs the current one.
func TestPostsAreNeverStale(t *testing.T) {
	st := inProgress(t)
	for _, a := range []problem.Action{
		{Type: problem.ActComment, Actor: raiser, Revision: st.Revision - 1, Comment: "请尽快"},
		{Type: problem.ActComment, Actor: qualityMate, Revision: 99, Comment: "收到"},
		{Type: problem.ActComment, Actor: dispatcher, Comment: "跟踪中"},
		{Type: problem.ActProgress, Actor: qualityRep, Revision: 99, Comment: "已隔离"},
	} {
		if err := st.Validate(a, lastAt); err != nil {
			t.Errorf("%s by %s at revision %d: %v", a.Type, a.Actor.ID, a.Revision, err)
		}
	}
	for _, typ := range []problem.ActionType{problem.ActRepublish, problem.ActChangeDue, problem.ActEscalate, problem.ActSolve} {
		a := naturalAction(typ, lastAt)
		a.Revision = st.Revision - 1
		if got := refusalCode(t, st.Validate(a, lastAt)); got != problem.CodeStaleRevision {
			t.Errorf("%s at an old revision: got %q, want %q", typ, got, problem.CodeStaleRevision)
		}
	}
}

func TestCommentsComeFromThoseInvolved(t *testing.T) {
	st := inProgress(t)
	for _, tt := range []struct {
		who  problem.Actor
		want problem.Code
	}{
		{raiser, ""}, {dispatcher, ""}, {qualityRep, ""}, {qualityMate, ""},
		{productionRep, problem.CodeNotAssignee}, {outsider, problem.CodeNotAssignee},
	} {
		a := problem.Action{Type: problem.ActComment, Actor: tt.who, Comment: "意见"}
		if got := refusalCode(t, st.Validate(a, lastAt)); got != tt.want {
			t.Errorf("comment by %s: got %q, want %q", tt.who.ID, got, tt.want)
		}
	}
}

func TestMalformedActions(t *testing.T) {
	st := raised(t)
	for _, a := range []problem.Action{
		{Type: problem.ActComment, Comment: "no actor"},
		{Type: problem.ActComment, Actor: problem.Actor{ID: " "}, Comment: "blank actor"},
		{Type: "approve", Actor: dispatcher},
	} {
		if got := refusalCode(t, st.Validate(a, lastAt)); got != problem.CodeInvalidAction {
			t.Errorf("%+v: got %q, want %q", a, got, problem.CodeInvalidAction)
		}
	}
}

// TestValidateAndAllowedNeverChangeTheState: the validator runs outside the workflow's history,
// so it must not touch what it reads.
func TestValidateAndAllowedNeverChangeTheState(t *testing.T) {
	for _, fixture := range []func(*testing.T) *problem.State{raised, inProgress, solved, closed, rejected, merged} {
		st := fixture(t)
		before := st.Clone()
		for _, who := range []problem.Actor{raiser, dispatcher, qualityRep, outsider} {
			for _, typ := range problem.Actions {
				a := naturalAction(typ, lastAt)
				a.Actor, a.Revision = who, st.Revision
				_ = st.Validate(a, lastAt)
			}
			st.Allowed(who, lastAt)
		}
		st.NextAlarm()
		st.Overdue(lastAt)
		if !reflect.DeepEqual(st, before) {
			t.Errorf("%s problem changed by validation:\n got %+v\nwant %+v", st.Status, st, before)
		}
	}
}
