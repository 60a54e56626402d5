package ledger

import (
	"strings"
	"testing"
	"time"
)

func sample() Content {
	return Content{CaseID: "EXP-2026-000001", Kind: "expense", Title: "北京出差", Purpose: "拜访客户",
		Category: "travel", DepartmentID: "sales", BudgetLineID: "2026-sales-travel", Amount: 1000, Currency: "CNY",
		Lines:       []Line{{No: 2, Description: "酒店", Amount: 400}, {No: 1, SpentOn: "2026-03-02", Description: "机票", Amount: 600, InvoiceNo: "INV-1"}},
		Attachments: []Attachment{{ID: "b", Filename: "x.pdf", SHA256: strings.Repeat("ab", 32)}, {ID: "a", Filename: "y.pdf", SHA256: strings.Repeat("cd", 32)}},
	}
}

// TestCanonicalContent pins the documented form: header, length-prefixed fields, lines by number.
func TestCanonicalContent(t *testing.T) {
	got := string(sample().Canonical())
	for _, want := range []string{
		"signoff-content/1\ncase 15:EXP-2026-000001\nkind 7:expense\ntitle 12:北京出差\n",
		"amount 4:1000\ncurrency 3:CNY\nlines 1:2\nline.no 1:1\nline.spent_on 10:2026-03-02\n",
		"attachments 1:2\nattachment.id 1:a\n",
		"purchase 1:0\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("canonical form lacks %q:\n%s", want, got)
		}
	}
	c := sample()
	c.Lines[0], c.Lines[1] = c.Lines[1], c.Lines[0]
	if c.Digest() != sample().Digest() {
		t.Error("the digest depends on the order lines were given in")
	}
	c.Lines[0].Amount++
	if c.Digest() == sample().Digest() {
		t.Error("a changed line amount keeps the digest")
	}
	// The length prefix keeps moved text from hashing alike.
	a, b := sample(), sample()
	a.Title, a.Purpose = "ab", "c"
	b.Title, b.Purpose = "a", "bc"
	if a.Digest() == b.Digest() {
		t.Error("fields are not delimited")
	}
}

func TestCanonicalJSON(t *testing.T) {
	got, err := CanonicalJSON([]byte(` {"b": 1.50, "a": {"z": "<&>", "y": [1, 2]}} `))
	if err != nil || got != `{"a":{"y":[1,2],"z":"<&>"},"b":1.50}` {
		t.Errorf("CanonicalJSON = %s, %v", got, err)
	}
	if got, _ := CanonicalJSON(nil); got != "{}" {
		t.Errorf("empty terms = %s", got)
	}
}

func chainOf(n int) []Seal {
	at := time.Date(2026, 3, 2, 10, 0, 0, 123456789, time.UTC)
	seals := make([]Seal, n)
	for i := range seals {
		seals[i] = Seal{CaseID: "EXP-2026-000001", Seq: i + 1, Actor: "liu.yang", Decision: "approved", PolicyVersion: 1, At: at}
	}
	return Link("", sample().Digest(), seals)
}

func TestVerify(t *testing.T) {
	seals := chainOf(3)
	if !seals[0].At.Equal(time.Date(2026, 3, 2, 10, 0, 0, 123456000, time.UTC)) {
		t.Errorf("time not truncated to microseconds: %v", seals[0].At)
	}
	if r := Verify("EXP-2026-000001", 3, seals, sample()); !r.OK || r.Head != seals[2].Hash {
		t.Fatalf("sound chain: %+v", r)
	}
	tests := []struct {
		name    string
		mutate  func([]Seal, *Content) []Seal
		last    int
		problem string
		seq     int
	}{
		{"altered", func(s []Seal, _ *Content) []Seal { s[1].Comment = "x"; return s }, 3, ProblemAltered, 2},
		{"deleted", func(s []Seal, _ *Content) []Seal { return append(s[:1], s[2]) }, 3, ProblemMissing, 2},
		{"deleted last", func(s []Seal, _ *Content) []Seal { return s[:2] }, 3, ProblemMissing, 3},
		{"reordered", func(s []Seal, _ *Content) []Seal {
			s[1], s[2] = s[2], s[1]
			s[1].Seq, s[2].Seq = 2, 3
			return s
		}, 3, ProblemLink, 2},
		{"content", func(s []Seal, c *Content) []Seal { c.Amount = 1; return s }, 3, ProblemContent, 1},
		{"legacy after chain", func(s []Seal, _ *Content) []Seal { s[2].Hash = ""; return s }, 3, ProblemUnchained, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := sample()
			s := tc.mutate(chainOf(3), &c)
			r := Verify("EXP-2026-000001", tc.last, s, c)
			if r.OK || r.Problem != tc.problem || r.BrokenSeq != tc.seq {
				t.Errorf("report = %+v, want %s at %d", r, tc.problem, tc.seq)
			}
		})
	}
}
