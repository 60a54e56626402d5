package ledger

import (
	"strconv"
	"time"
)

// SealHeader names the canonical form of a seal and its version.
const SealHeader = "signoff-seal/1"

// Seal is one ledger row as the hash covers it. A seal written before the ledger existed has
// no digest and no hash (Hash == ""): Legacy reports it.
type Seal struct {
	CaseID        string
	Seq           int
	StepKey       string
	Role          string
	Actor         string
	OnBehalfOf    string
	Decision      string
	Target        string
	Comment       string
	PolicyVersion int
	At            time.Time
	ContentDigest string
	PrevHash      string
	Hash          string
}

// Legacy says the seal was written before the ledger: it carries no hash.
func (s Seal) Legacy() bool { return s.Hash == "" }

// Canonical returns the bytes the seal's hash covers (see the package doc).
func (s Seal) Canonical() []byte { return s.fields().b.Bytes() }

// ComputeHash is the SHA-256 of the canonical form, lowercase hex.
func (s Seal) ComputeHash() string { return s.fields().digest() }

func (s Seal) fields() *fields {
	f := newFields(SealHeader)
	f.str("prev", s.PrevHash)
	f.str("case", s.CaseID)
	f.int("seq", int64(s.Seq))
	f.str("step", s.StepKey)
	f.str("role", s.Role)
	f.str("actor", s.Actor)
	f.str("on_behalf_of", s.OnBehalfOf)
	f.str("decision", s.Decision)
	f.str("target", s.Target)
	f.str("comment", s.Comment)
	f.str("policy_version", strconv.Itoa(s.PolicyVersion))
	f.str("at", Time(s.At).Format(TimeLayout))
	f.str("content", s.ContentDigest)
	return f
}

// Link fills the digests of new seals appended after prev (the hash of the seal before them,
// empty when there is none or it is a legacy seal): each gets the content digest and its
// predecessor's hash, then its own. Seals must be in seq order.
func Link(prev, contentDigest string, seals []Seal) []Seal {
	out := make([]Seal, len(seals))
	for i, s := range seals {
		s.At = Time(s.At)
		s.ContentDigest = contentDigest
		s.PrevHash = prev
		s.Hash = s.ComputeHash()
		prev = s.Hash
		out[i] = s
	}
	return out
}
