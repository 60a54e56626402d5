package problem

import (
	"slices"
	"strings"

	"signoff/policy"
)

// Notice asks for a notification to be sent.
type Notice struct {
	Kind       string   `json:"kind"`
	Recipients []string `json:"recipients"` // user IDs and symbolic recipients, see ParseRecipient
}

// Notice kinds.
const (
	NoticeTodo       = "todo"        // someone must act: screen, solve, verify
	NoticePublished  = "published"   // to the raiser: the center accepted the problem
	NoticeRejected   = "rejected"    // to the raiser
	NoticeMerged     = "merged"      // to the raiser
	NoticeUnassigned = "unassigned"  // to representatives a re-publication took it from
	NoticeProgress   = "progress"    // to the raiser
	NoticeDueChanged = "due_changed" // to the raiser and the representatives
	NoticeClosed     = "closed"      // to the raiser and the representatives
	NoticeReopened   = "reopened"    // to the representatives: the solution was refused
	NoticeReminder   = "reminder"    // to the representatives: the due date is near
	NoticeEscalation = "escalation"  // to the escalation targets
)

// Symbolic recipients, resolved by the sending activity against the representatives registry.
const (
	RecipientCenter         = "center"                      // the center's director, deputies and dispatchers
	RecipientCenterDirector = policy.EscalateCenterDirector // the center's director
	departmentLeaderPrefix  = policy.EscalateDepartmentLeader + ":"
)

// DepartmentLeader is the symbolic recipient for the leader of a department.
func DepartmentLeader(department string) string { return departmentLeaderPrefix + department }

// ParseRecipient tells a symbolic recipient from a user ID. For a symbolic one it returns the
// post (RecipientCenter, RecipientCenterDirector or policy.EscalateDepartmentLeader) and, for a
// department leader, the department.
func ParseRecipient(r string) (post, department string, symbolic bool) {
	switch {
	case r == RecipientCenter || r == RecipientCenterDirector:
		return r, "", true
	case strings.HasPrefix(r, departmentLeaderPrefix):
		return policy.EscalateDepartmentLeader, strings.TrimPrefix(r, departmentLeaderPrefix), true
	}
	return "", "", false
}

// notify adds a notice for the recipients other than the actor, in order and without
// duplicates; a notice left with no one is not sent.
func (o *Outcome) notify(kind, actor string, recipients ...string) {
	var to []string
	for _, r := range recipients {
		if r != "" && r != actor && !slices.Contains(to, r) {
			to = append(to, r)
		}
	}
	if len(to) > 0 {
		o.Notices = append(o.Notices, Notice{Kind: kind, Recipients: to})
	}
}
