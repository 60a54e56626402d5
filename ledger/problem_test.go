package ledger

import (
	"strings"
	"testing"
	"time"
)

func sampleFacts() ProblemFacts {
	return ProblemFacts{ProblemID: "PRB-2026-000001", Title: "扭矩超差", Description: "装配线\n扭矩超差",
		Model: "XH-7", Severity: "high", RaisedBy: "xu.jing", PolicyVersion: 3,
		RaisedAt:    time.Date(2026, 11, 2, 9, 30, 0, 123456789, time.UTC),
		Attachments: []Attachment{{ID: "b", Filename: "y.pdf", SHA256: strings.Repeat("ab", 32)}, {ID: "a", Filename: "x.pdf", SHA256: strings.Repeat("cd", 32)}},
	}
}

// TestCanonicalProblemFacts pins the documented form of a problem's facts and seals.
func TestCanonicalProblemFacts(t *testing.T) {
	got := string(sampleFacts().Canonical())
	for _, want := range []string{
		"signoff-problem/1\nproblem 15:PRB-2026-000001\ntitle 12:扭矩超差\ndescription 22:装配线\n扭矩超差\nmodel 4:XH-7\nbatch 0:\n",
		"raised_at 27:2026-11-02T09:30:00.123456Z\nmeeting 0:\npolicy_version 1:3\nattachments 1:2\nattachment.id 1:a\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("canonical facts lack %q:\n%s", want, got)
		}
	}
	s := ProblemSeal{ProblemID: "PRB-2026-000001", Seq: 1, Decision: "raised", Actor: "xu.jing", At: sampleFacts().RaisedAt, FactsDigest: "d"}
	if want := "signoff-problem-seal/1\nprev 0:\nproblem 15:PRB-2026-000001\nseq 1:1\ndecision 6:raised\nactor 7:xu.jing\ncomment 0:\ntarget 0:\nat 27:2026-11-02T09:30:00.123456Z\nfacts 1:d\n"; string(s.Canonical()) != want {
		t.Errorf("canonical seal =\n%q\nwant\n%q", s.Canonical(), want)
	}
}

func TestVerifyProblem(t *testing.T) {
	chain := func() []ProblemSeal {
		s := make([]ProblemSeal, 3)
		for i := range s {
			s[i] = ProblemSeal{ProblemID: "PRB-2026-000001", Seq: i + 1, Decision: "published", Actor: "liu.yang", At: sampleFacts().RaisedAt}
		}
		return LinkProblem("", sampleFacts().Digest(), s)
	}
	if r := VerifyProblem("PRB-2026-000001", 3, chain(), sampleFacts()); !r.OK || r.Head == "" {
		t.Fatalf("sound chain: %+v", r)
	}
	tests := []struct {
		name    string
		mutate  func([]ProblemSeal, *ProblemFacts) []ProblemSeal
		problem string
		seq     int
	}{
		{"altered", func(s []ProblemSeal, _ *ProblemFacts) []ProblemSeal { s[1].Target = "x"; return s }, ProblemAltered, 2},
		{"deleted", func(s []ProblemSeal, _ *ProblemFacts) []ProblemSeal { return append(s[:1], s[2]) }, ProblemMissing, 2},
		{"deleted last", func(s []ProblemSeal, _ *ProblemFacts) []ProblemSeal { return s[:2] }, ProblemMissing, 3},
		{"reordered", func(s []ProblemSeal, _ *ProblemFacts) []ProblemSeal {
			s[1], s[2] = s[2], s[1]
			s[1].Seq, s[2].Seq = 2, 3
			return s
		}, ProblemLink, 2},
		{"fact", func(s []ProblemSeal, f *ProblemFacts) []ProblemSeal { f.Severity = "low"; return s }, ProblemContent, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := sampleFacts()
			s := tc.mutate(chain(), &f)
			r := VerifyProblem("PRB-2026-000001", 3, s, f)
			if r.OK || r.Problem != tc.problem || r.BrokenSeq != tc.seq {
				t.Errorf("report = %+v, want %s at %d", r, tc.problem, tc.seq)
			}
		})
	}
}
