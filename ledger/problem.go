package ledger

import (
	"sort"
	"time"
)

// Canonical forms of a production problem's ledger and their versions.
const (
	ProblemFactsHeader = "signoff-problem/1"
	ProblemSealHeader  = "signoff-problem-seal/1"
)

// ProblemFacts is what a production problem's seals attest: the facts it was raised with. They
// never change after the raise (a due date, a publication, a merge are transitions, carried by
// the seals themselves), so every seal of a sound problem attests the same digest.
type ProblemFacts struct {
	ProblemID     string
	Title         string
	Description   string
	Model         string // 型号
	Batch         string // 批次
	BOMNode       string // BOM 节点
	Line          string // 产线 / 车间
	Severity      string
	RaisedBy      string
	RaisedAt      time.Time
	MeetingID     string
	PolicyVersion int
	Attachments   []Attachment
}

// Canonical returns the facts' canonical bytes (see the package doc); attachments by ID.
func (p ProblemFacts) Canonical() []byte { return p.fields().b.Bytes() }

// Digest is the SHA-256 of the canonical form, lowercase hex.
func (p ProblemFacts) Digest() string { return p.fields().digest() }

func (p ProblemFacts) fields() *fields {
	f := newFields(ProblemFactsHeader)
	f.str("problem", p.ProblemID)
	f.str("title", p.Title)
	f.str("description", p.Description)
	f.str("model", p.Model)
	f.str("batch", p.Batch)
	f.str("bom_node", p.BOMNode)
	f.str("line", p.Line)
	f.str("severity", p.Severity)
	f.str("raised_by", p.RaisedBy)
	f.str("raised_at", Time(p.RaisedAt).Format(TimeLayout))
	f.str("meeting", p.MeetingID)
	f.int("policy_version", int64(p.PolicyVersion))
	atts := append([]Attachment(nil), p.Attachments...)
	sort.SliceStable(atts, func(i, j int) bool { return atts[i].ID < atts[j].ID })
	f.int("attachments", int64(len(atts)))
	for _, a := range atts {
		f.str("attachment.id", a.ID)
		f.str("attachment.filename", a.Filename)
		f.str("attachment.sha256", a.SHA256)
	}
	return f
}

// ProblemSeal is one row of a problem's ledger (problem_seals) as its hash covers it. A seal
// written before the problem ledger has no digest and no hash.
type ProblemSeal struct {
	ProblemID   string
	Seq         int
	Decision    string
	Actor       string
	Comment     string
	Target      string
	At          time.Time
	FactsDigest string
	PrevHash    string
	Hash        string
}

// Legacy says the seal was written before the problem ledger: it carries no hash.
func (s ProblemSeal) Legacy() bool { return s.Hash == "" }

// Canonical returns the bytes the seal's hash covers (see the package doc).
func (s ProblemSeal) Canonical() []byte { return s.fields().b.Bytes() }

// ComputeHash is the SHA-256 of the canonical form, lowercase hex.
func (s ProblemSeal) ComputeHash() string { return s.fields().digest() }

func (s ProblemSeal) fields() *fields {
	f := newFields(ProblemSealHeader)
	f.str("prev", s.PrevHash)
	f.str("problem", s.ProblemID)
	f.int("seq", int64(s.Seq))
	f.str("decision", s.Decision)
	f.str("actor", s.Actor)
	f.str("comment", s.Comment)
	f.str("target", s.Target)
	f.str("at", Time(s.At).Format(TimeLayout))
	f.str("facts", s.FactsDigest)
	return f
}

// LinkProblem fills the digests of a problem's new seals appended after prev (the hash of the
// seal before them; empty when there is none or it is a legacy seal), as Link does for a case.
// Seals must be in seq order.
func LinkProblem(prev, factsDigest string, seals []ProblemSeal) []ProblemSeal {
	out := make([]ProblemSeal, len(seals))
	for i, s := range seals {
		s.At = Time(s.At)
		s.FactsDigest = factsDigest
		s.PrevHash = prev
		s.Hash = s.ComputeHash()
		prev = s.Hash
		out[i] = s
	}
	return out
}

// VerifyProblem verifies a problem's seals as Verify does a case's: every hash and link, no seq
// skipped up to lastSeq (problems.seq), and the facts as stored now against what the latest
// seal attests. The report's CaseID is the problem's ID.
func VerifyProblem(problemID string, lastSeq int, seals []ProblemSeal, current ProblemFacts) Report {
	links := make([]link, len(seals))
	for i, s := range seals {
		links[i] = link{seq: s.Seq, prev: s.PrevHash, hash: s.Hash, content: s.FactsDigest}
		if !s.Legacy() {
			links[i].computed = s.ComputeHash()
		}
	}
	return verifyChain(problemID, "problem", lastSeq, links, current.Digest())
}
