package policy

import (
	"slices"
	"strings"
	"testing"

	"signoff/ledger"
)

func sealContent() ledger.Content {
	return ledger.Content{CaseID: "EXP-1", Kind: "expense", Purpose: "拜访客户", Amount: 1000, Currency: "CNY",
		Lines: []ledger.Line{{No: 1, Description: "机票", Amount: 1000}}}
}

// TestSealsReopenWhatTheEditChanges: the demo's witness covers the amount, lines and receipts;
// the reviewer, not named, covers everything; a seal whose content is not kept falls back to
// the whole digest.
func TestSealsReopenWhatTheEditChanges(t *testing.T) {
	s := Demo().Seals
	seen := sealContent()
	signed := []ledger.Attested{
		{StepKey: "witness", Role: string(RoleWitness), Digest: seen.Digest(), Content: &seen},
		{StepKey: "review", Role: string(RoleReviewer), Digest: seen.Digest(), Content: &seen},
		{StepKey: "legacy", Role: string(RoleWitness), Digest: seen.Digest()},
	}
	reworded := sealContent()
	reworded.Purpose = "拜访两家客户"
	if got := s.Reopened(reworded, signed); !slices.Equal(got, []string{"legacy", "review"}) {
		t.Errorf("a reworded purpose re-opens %v, want the reviewer and the seal without content", got)
	}
	dearer := sealContent()
	dearer.Amount, dearer.Lines[0].Amount = 1200, 1200
	if got := s.Reopened(dearer, signed); !slices.Equal(got, []string{"legacy", "review", "witness"}) {
		t.Errorf("a changed amount re-opens %v, want every step", got)
	}
	if got := s.Reopened(sealContent(), signed); len(got) != 0 {
		t.Errorf("no change re-opens %v", got)
	}
}

func TestSealsCoveredDefaultsToEverything(t *testing.T) {
	var s Seals
	if got := s.Covered(RoleApprover); !slices.Equal(got, ledger.Groups) {
		t.Errorf("unnamed role covers %v", got)
	}
	s.Covers = map[Role][]ledger.Group{RoleWitness: {ledger.GroupLines, ledger.GroupAmount}}
	if got := s.Covered(RoleWitness); !slices.Equal(got, []ledger.Group{ledger.GroupAmount, ledger.GroupLines}) {
		t.Errorf("witness covers %v, want the canonical order", got)
	}
}

func TestSealsAreValidatedOnLoad(t *testing.T) {
	for _, tc := range []struct{ covers, want string }{
		{"    nobody: [amount]", `role "nobody" is not in roles`},
		{"    witness: [amounts]", `"amounts" is not one of`},
		{"    witness: [lines, lines]", `names "lines" twice`},
		{"    witness: []", "covers nothing"},
	} {
		src := strings.Replace(string(DemoYAML), "    witness: [amount, lines, attachments]", tc.covers, 1)
		if src == string(DemoYAML) {
			t.Fatal("the demo's seals section moved")
		}
		_, err := Load([]byte(src))
		assertProblem(t, err, tc.want)
	}
}
