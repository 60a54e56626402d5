package ledger

import "strconv"

// Problem codes of a Report: stable, for the API and the command's exit.
const (
	ProblemNone      = ""
	ProblemMissing   = "seal_missing"    // a seq is skipped or the case's last seals are gone
	ProblemLink      = "link_broken"     // prev hash is not the previous seal's hash
	ProblemAltered   = "seal_altered"    // the row no longer hashes to its hash
	ProblemContent   = "content_changed" // the case's content is not what its latest seals attest
	ProblemUnchained = "legacy_after_chain"
)

// Report is what verifying one case found.
type Report struct {
	CaseID string `json:"case_id"`
	Seals  int    `json:"seals"`
	// Legacy counts the seals written before the ledger (seq 1..Legacy): they carry no hash, so
	// the chain starts after them and only their presence is checked.
	Legacy int    `json:"legacy"`
	OK     bool   `json:"ok"`
	Head   string `json:"head,omitempty"` // hash of the last seal
	// BrokenSeq names the first seal found broken, Problem says how.
	BrokenSeq int    `json:"broken_seq,omitempty"`
	Problem   string `json:"problem,omitempty"`
	Detail    string `json:"detail,omitempty"`
	// Digest is the content digest recomputed from the case's rows now.
	Digest string `json:"digest"`
}

// Verify recomputes every hash and link of a case's seals (in the order stored, by seq) and the
// digest of its current content, and names the first broken seal. lastSeq is the case's own
// count of its seals (cases.seq): a missing trailing seal shows against it. A case's content
// changes only with a seal (the resubmission that applies an edit), so its latest seal must
// attest the content as it is now; earlier seals attest earlier revisions and are held by the
// links.
func Verify(caseID string, lastSeq int, seals []Seal, current Content) Report {
	r := Report{CaseID: caseID, Seals: len(seals), Digest: current.Digest()}
	fail := func(seq int, problem, detail string) Report {
		r.BrokenSeq, r.Problem, r.Detail = seq, problem, detail
		return r
	}
	prev := ""
	chained := false
	for i, s := range seals {
		want := i + 1
		if s.Seq != want {
			return fail(want, ProblemMissing, "seal "+itoa(want)+" is missing (found "+itoa(s.Seq)+")")
		}
		if s.Legacy() {
			if chained {
				return fail(s.Seq, ProblemUnchained, "a seal without hash after the chain began")
			}
			r.Legacy++
			continue
		}
		chained = true
		if s.PrevHash != prev {
			return fail(s.Seq, ProblemLink, "previous hash does not match seal "+itoa(s.Seq-1))
		}
		if h := s.ComputeHash(); h != s.Hash {
			return fail(s.Seq, ProblemAltered, "the seal's fields no longer give its hash")
		}
		prev = s.Hash
	}
	if len(seals) < lastSeq {
		return fail(len(seals)+1, ProblemMissing, "the case records "+itoa(lastSeq)+" seals, "+itoa(len(seals))+" found")
	}
	r.Head = prev
	if chained {
		last := seals[len(seals)-1]
		if last.ContentDigest != r.Digest {
			// Name the first seal of the run attesting the content the case no longer has.
			first := len(seals) - 1
			for first > 0 && !seals[first-1].Legacy() && seals[first-1].ContentDigest == last.ContentDigest {
				first--
			}
			return fail(seals[first].Seq, ProblemContent, "the case's content differs from what seal "+
				itoa(seals[first].Seq)+" and later attest")
		}
	}
	r.OK = true
	return r
}

func itoa(n int) string { return strconv.Itoa(n) }
