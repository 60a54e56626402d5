package problem

import (
	"slices"
	"time"
)

// ActionType names a human action on a problem. Each is a Temporal Update of the same name.
type ActionType string

const (
	ActPublish   ActionType = "publish"    // 发布: the center accepts it and names who solves it by when
	ActReject    ActionType = "reject"     // the center rejects it as invalid
	ActMerge     ActionType = "merge"      // the center merges it into the problem it duplicates
	ActRepublish ActionType = "republish"  // the center re-publishes it to other departments
	ActChangeDue ActionType = "change_due" // the center moves the due date
	ActEscalate  ActionType = "escalate"   // the center cannot resolve it: report upward at once
	ActProgress  ActionType = "progress"   // the responsible side reports progress
	ActSolve     ActionType = "solve"      // the responsible side reports it solved
	ActVerify    ActionType = "verify"     // the raiser or the center confirms it solved: closed
	ActRefuse    ActionType = "refuse"     // the raiser or the center finds it not solved: reopened
	ActComment   ActionType = "comment"    // 评论 by anyone involved
)

// Actions lists every action type, in the order a UI offers them.
var Actions = []ActionType{ActPublish, ActMerge, ActReject, ActRepublish, ActChangeDue, ActEscalate,
	ActProgress, ActSolve, ActVerify, ActRefuse, ActComment}

// MaxCommentLen bounds a comment or reason, in characters.
const MaxCommentLen = 2000

// Actor is the authenticated user with the posts the gateway found for them in the
// representatives registry when the action was sent; the client never sets Center or
// Departments itself.
type Actor struct {
	ID string `json:"id"`
	// Center: the user is the director, a deputy or a dispatcher of the production control center.
	Center bool `json:"center,omitempty"`
	// Departments the user is a business representative (业务代表) of now.
	Departments []string `json:"departments,omitempty"`
}

// Assignment is one department made responsible for a problem, with its representatives.
type Assignment struct {
	Department      string   `json:"department"`
	Representatives []string `json:"representatives"`
}

// Action is one human action as the gateway sends it.
type Action struct {
	Type        ActionType   `json:"type"`
	Actor       Actor        `json:"actor"`
	Revision    int          `json:"revision"`
	Comment     string       `json:"comment,omitempty"`     // the reason, or the text of a post
	Assignments []Assignment `json:"assignments,omitempty"` // publish, republish
	DueAt       time.Time    `json:"due_at,omitzero"`       // publish, republish (optional), change_due
	MergeInto   string       `json:"merge_into,omitempty"`  // merge: the problem this one duplicates
}

// decides reports whether the action changes the problem and so must carry the current
// revision. Posts (comments, progress) change nothing anyone decides on, so they are never
// refused as stale.
func (a Action) decides() bool {
	return a.Type != ActComment && a.Type != ActProgress
}

func cloneAssignments(as []Assignment) []Assignment {
	if as == nil {
		return nil
	}
	out := make([]Assignment, len(as))
	for i, x := range as {
		out[i] = Assignment{Department: x.Department, Representatives: slices.Clone(x.Representatives)}
	}
	return out
}

// sameAssignments compares two publications regardless of order.
func sameAssignments(a, b []Assignment) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		i := slices.IndexFunc(b, func(y Assignment) bool { return y.Department == x.Department })
		if i < 0 {
			return false
		}
		xs, ys := slices.Clone(x.Representatives), slices.Clone(b[i].Representatives)
		slices.Sort(xs)
		slices.Sort(ys)
		if !slices.Equal(xs, ys) {
			return false
		}
	}
	return true
}
