package problem_test

import (
	"errors"
	"testing"
	"time"

	"signoff/policy"
	"signoff/problem"
)

// The people of the tests. The center's dispatcher screens and steers; li.na is the quality
// department's representative named on publications, sun.li another quality representative who
// is not named, wang.qiang production's, zhao.hui materials', chen.gang planning's.
const (
	problemID = "PRB-2026-000042"
	otherID   = "PRB-2026-000017"
	raiserID  = "zhang.wei"
)

var (
	raiser        = problem.Actor{ID: raiserID}
	dispatcher    = problem.Actor{ID: "zhou.min", Center: true}
	director      = problem.Actor{ID: "he.jun", Center: true}
	qualityRep    = problem.Actor{ID: "li.na", Departments: []string{"quality"}}
	qualityMate   = problem.Actor{ID: "sun.li", Departments: []string{"quality"}}
	productionRep = problem.Actor{ID: "wang.qiang", Departments: []string{"production"}}
	materialsRep  = problem.Actor{ID: "zhao.hui", Departments: []string{"materials"}}
	planningRep   = problem.Actor{ID: "chen.gang", Departments: []string{"planning"}}
	outsider      = problem.Actor{ID: "xu.jing", Departments: []string{"sales"}}
)

// toQuality publishes to the quality department with li.na named.
var toQuality = []problem.Assignment{{Department: "quality", Representatives: []string{"li.na"}}}

var shanghai = mustLocation("Asia/Shanghai")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// cst is a wall-clock time in the demo calendar's zone.
func cst(year int, month time.Month, day, hour, minute int) time.Time {
	return time.Date(year, month, day, hour, minute, 0, 0, shanghai)
}

// monday10 is a plain working Monday morning: 2026-03-02 10:00 in Shanghai. The week after has
// no holidays.
var monday10 = cst(2026, time.March, 2, 10, 0)

// raise raises a problem of the given severity under the demo rules and calendar.
func raise(t *testing.T, id string, by problem.Actor, severity string, now time.Time) *problem.State {
	t.Helper()
	doc := policy.Demo()
	st, _ := problem.New(id, by.ID, severity, doc.Production, doc.Calendar, now)
	return st
}

// do validates an action (taking the problem's current revision) and applies it, failing the
// test if it is refused.
func do(t *testing.T, st *problem.State, a problem.Action, now time.Time) problem.Outcome {
	t.Helper()
	a.Revision = st.Revision
	if err := st.Validate(a, now); err != nil {
		t.Fatalf("%s by %s refused: %v", a.Type, a.Actor.ID, err)
	}
	return st.Apply(a, now)
}

func publish(t *testing.T, st *problem.State, as []problem.Assignment, now time.Time) problem.Outcome {
	t.Helper()
	return do(t, st, problem.Action{Type: problem.ActPublish, Actor: dispatcher, Assignments: as}, now)
}

// refusalCode returns the code of a refusal, "" for nil, and fails on any other error.
func refusalCode(t *testing.T, err error) problem.Code {
	t.Helper()
	if err == nil {
		return ""
	}
	var r *problem.Refusal
	if !errors.As(err, &r) {
		t.Fatalf("error %v (%T) is not a *problem.Refusal", err, err)
	}
	return r.Code
}

func decisions(o problem.Outcome) []problem.Decision {
	var out []problem.Decision
	for _, s := range o.Seals {
		out = append(out, s.Decision)
	}
	return out
}

// Fixtures: a normal-severity problem raised by zhang.wei on monday10, at each status, built by
// acting on it as people would.

func raised(t *testing.T) *problem.State { return raise(t, problemID, raiser, "normal", monday10) }

// inProgress is published to quality at 11:00: due 40 working hours later, 2026-03-09 11:00.
func inProgress(t *testing.T) *problem.State {
	st := raised(t)
	publish(t, st, toQuality, monday10.Add(time.Hour))
	return st
}

// solved is reported solved by li.na on Tuesday.
func solved(t *testing.T) *problem.State {
	st := inProgress(t)
	do(t, st, problem.Action{Type: problem.ActSolve, Actor: qualityRep, Comment: "已隔离并返工"}, monday10.Add(24*time.Hour))
	return st
}

func closed(t *testing.T) *problem.State {
	st := solved(t)
	do(t, st, problem.Action{Type: problem.ActVerify, Actor: raiser}, monday10.Add(25*time.Hour))
	return st
}

func rejected(t *testing.T) *problem.State {
	st := raised(t)
	do(t, st, problem.Action{Type: problem.ActReject, Actor: dispatcher, Comment: "不是生产问题"}, monday10.Add(time.Hour))
	return st
}

func merged(t *testing.T) *problem.State {
	st := raised(t)
	do(t, st, problem.Action{Type: problem.ActMerge, Actor: dispatcher, Comment: "重复", MergeInto: otherID}, monday10.Add(time.Hour))
	return st
}

// lastAt is a moment after every fixture's last action.
var lastAt = monday10.Add(26 * time.Hour)
