package problem_test

import (
	"testing"

	"signoff/policy"
	"signoff/problem"
)

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"PRB-2026-000042", true},
		{"PRB-0000-000000", true},
		{"PRB-2026-00042", false},
		{"PRB-2026-0000042", false},
		{"prb-2026-000042", false},
		{"PRB-26-00000042", false},
		{"PRB-2026_000042", false},
		{"EXP-2026-000042", false},
		{"PRB-2026-00004a", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := problem.ValidID(tt.id); got != tt.want {
			t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestParseRecipient(t *testing.T) {
	tests := []struct {
		r, post, dept string
		symbolic      bool
	}{
		{problem.RecipientCenter, "center", "", true},
		{problem.RecipientCenterDirector, policy.EscalateCenterDirector, "", true},
		{problem.DepartmentLeader("quality"), policy.EscalateDepartmentLeader, "quality", true},
		{"li.na", "", "", false},
	}
	for _, tt := range tests {
		post, dept, symbolic := problem.ParseRecipient(tt.r)
		if post != tt.post || dept != tt.dept || symbolic != tt.symbolic {
			t.Errorf("ParseRecipient(%q) = %q, %q, %v", tt.r, post, dept, symbolic)
		}
	}
}
