package service

import (
	"testing"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
)

// TestMaySeeCase: a case is seen by its people, their delegates, those it is copied to and
// whoever the policy grants cases.see_all, by role or by post; by nobody else.
func TestMaySeeCase(t *testing.T) {
	doc := policy.Demo()
	byPost := policy.Demo()
	byPost.Grants = map[policy.Capability]policy.Grant{policy.CapCasesSeeAll: {Posts: []policy.Post{policy.PostCenterDirector}}}
	v := store.CaseView{
		Case:       store.Case{ID: "EXP-2026-000001", SubmitterID: "zhang.wei", State: &chain.State{Participants: []string{"li.na", "zhang.wei"}}},
		Copies:     []string{"ma.lan"},
		Delegators: nil,
	}
	grants := func(d *policy.Document, u store.User, posts ...store.Post) Grants {
		return Grants{doc: d, subject: Subject(u, posts)}
	}
	staff := func(id string, roles ...string) store.User {
		return store.User{ID: id, Roles: append([]string{"staff"}, roles...)}
	}
	tests := []struct {
		name       string
		doc        *policy.Document
		u          store.User
		posts      []store.Post
		delegators []string
		want       bool
	}{
		{"the submitter", doc, staff("zhang.wei"), nil, nil, true},
		{"a participant", doc, staff("li.na", "witness"), nil, nil, true},
		{"a copy", doc, staff("ma.lan"), nil, nil, true},
		{"a delegate of a participant", doc, staff("zheng.yu"), nil, []string{"li.na"}, true},
		{"a stranger", doc, staff("xu.jing"), nil, nil, false},
		{"a delegate of a stranger", doc, staff("zheng.yu"), nil, []string{"xu.jing"}, false},
		{"a reviewer, by the default grant", doc, staff("zhou.jie", "reviewer"), nil, nil, true},
		{"a reviewer, when the policy grants it to a post only", byPost, staff("zhou.jie", "reviewer"), nil, nil, false},
		{"the center's director, by that post", byPost, staff("liu.yang"), []store.Post{{Post: string(policy.PostCenterDirector)}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			view := v
			view.Delegators = tt.delegators
			if got := maySeeCase(grants(tt.doc, tt.u, tt.posts...), tt.u, view); got != tt.want {
				t.Errorf("maySeeCase = %v, want %v", got, tt.want)
			}
		})
	}
}
