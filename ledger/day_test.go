package ledger

import (
	"errors"
	"strings"
	"testing"
)

// TestHeadOf pins the documented form: the order of the seals is the head's, not the caller's.
func TestHeadOf(t *testing.T) {
	a := []DaySeal{{LedgerProblems, "PRB-1", 1, "p1"}, {LedgerCases, "EXP-2", 1, "e21"}, {LedgerCases, "EXP-1", 2, "e12"}, {LedgerCases, "EXP-1", 1, "e11"}}
	b := []DaySeal{a[3], a[2], a[1], a[0]}
	if HeadOf("x", "2026-03-02", a).Hash != HeadOf("x", "2026-03-02", b).Hash {
		t.Errorf("the head depends on the order the seals were given in")
	}
	if HeadOf("x", "2026-03-02", a).Hash == HeadOf("y", "2026-03-02", a).Hash {
		t.Errorf("the head does not cover the previous head")
	}
	f := newFields(DayHeader)
	f.str("prev", "x")
	f.str("day", "2026-03-02")
	f.int("seals", 4)
	for _, s := range b {
		f.str("seal.ledger", s.Ledger)
		f.str("seal.id", s.ID)
		f.int("seal.seq", int64(s.Seq))
		f.str("seal.hash", s.Hash)
	}
	if !strings.HasPrefix(f.b.String(), "signoff-day/1\nprev 1:x\nday 10:2026-03-02\nseals 1:4\nseal.ledger 4:case\nseal.id 5:EXP-1\nseal.seq 1:1\n") {
		t.Fatalf("canonical form drifted: %q", f.b.String())
	}
	if got := HeadOf("x", "2026-03-02", a); got.Hash != f.digest() || got.Seals != 4 {
		t.Errorf("head = %+v, want the digest of the documented form", got)
	}
}

func TestVerifyHeads(t *testing.T) {
	days := map[string][]DaySeal{
		"2026-03-01": {{LedgerCases, "EXP-1", 1, "a"}},
		"2026-03-02": nil,
		"2026-03-03": {{LedgerCases, "EXP-1", 2, "b"}, {LedgerProblems, "PRB-1", 1, "c"}},
	}
	sealsOf := func(day string) ([]DaySeal, error) { return days[day], nil }
	chain := func() []DayHead {
		var out []DayHead
		prev := ""
		for _, d := range []string{"2026-03-01", "2026-03-02", "2026-03-03"} {
			h := HeadOf(prev, d, days[d])
			out = append(out, h)
			prev = h.Hash
		}
		return out
	}
	if r, err := VerifyHeads(chain(), sealsOf); err != nil || !r.OK || r.Days != 3 || r.Last != "2026-03-03" {
		t.Fatalf("sound heads: %+v, %v", r, err)
	}
	tests := []struct {
		name    string
		mutate  func([]DayHead) []DayHead
		problem string
		day     string
	}{
		{"missing day", func(h []DayHead) []DayHead { return append(h[:1], h[2]) }, HeadMissing, "2026-03-02"},
		{"broken link", func(h []DayHead) []DayHead { h[1].PrevHash = "x"; return h }, HeadLink, "2026-03-02"},
		{"altered head", func(h []DayHead) []DayHead { h[2].Hash = "x"; return h }, HeadMismatch, "2026-03-03"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := VerifyHeads(tc.mutate(chain()), sealsOf)
			if err != nil || r.OK || r.Problem != tc.problem || r.BrokenDay != tc.day {
				t.Errorf("report = %+v, %v; want %s on %s", r, err, tc.problem, tc.day)
			}
		})
	}
	if r, _ := VerifyHeads(nil, sealsOf); !r.OK || r.Days != 0 {
		t.Errorf("no heads: %+v", r)
	}
	heads := chain()
	days["2026-03-01"] = nil // its seal gone after the day was headed
	if r, _ := VerifyHeads(heads, sealsOf); r.OK || r.BrokenDay != "2026-03-01" || r.Problem != HeadMismatch {
		t.Errorf("a seal gone after its day was headed: %+v", r)
	}
	boom := errors.New("boom")
	if _, err := VerifyHeads(heads, func(string) ([]DaySeal, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the reader's", err)
	}
}
