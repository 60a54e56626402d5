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

// Report is what verifying one case (or one production problem: VerifyProblem) found.
type Report struct {
	// CaseID is the case's ID, or the problem's for a problem's report.
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
	links := make([]link, len(seals))
	for i, s := range seals {
		links[i] = link{seq: s.Seq, prev: s.PrevHash, hash: s.Hash, content: s.ContentDigest}
		if !s.Legacy() {
			links[i].computed = s.ComputeHash()
		}
	}
	return verifyChain(caseID, "case", lastSeq, links, current.Digest())
}

// link is what verification needs of one seal, whichever ledger it belongs to.
type link struct {
	seq                  int
	prev, hash, computed string // computed: the hash the row's fields give now
	content              string // the digest the seal attests
}

func (l link) legacy() bool { return l.hash == "" }

// verifyChain is Verify's walk over one chain of seals; noun names the owner in details.
func verifyChain(id, noun string, lastSeq int, seals []link, digest string) Report {
	r := Report{CaseID: id, Seals: len(seals), Digest: digest}
	fail := func(seq int, problem, detail string) Report {
		r.BrokenSeq, r.Problem, r.Detail = seq, problem, detail
		return r
	}
	prev := ""
	chained := false
	for i, s := range seals {
		want := i + 1
		if s.seq != want {
			return fail(want, ProblemMissing, "seal "+itoa(want)+" is missing (found "+itoa(s.seq)+")")
		}
		if s.legacy() {
			if chained {
				return fail(s.seq, ProblemUnchained, "a seal without hash after the chain began")
			}
			r.Legacy++
			continue
		}
		chained = true
		if s.prev != prev {
			return fail(s.seq, ProblemLink, "previous hash does not match seal "+itoa(s.seq-1))
		}
		if s.computed != s.hash {
			return fail(s.seq, ProblemAltered, "the seal's fields no longer give its hash")
		}
		prev = s.hash
	}
	if len(seals) < lastSeq {
		return fail(len(seals)+1, ProblemMissing, "the "+noun+" records "+itoa(lastSeq)+" seals, "+itoa(len(seals))+" found")
	}
	r.Head = prev
	if chained {
		last := seals[len(seals)-1]
		if last.content != r.Digest {
			// Name the first seal of the run attesting the content the owner no longer has.
			first := len(seals) - 1
			for first > 0 && !seals[first-1].legacy() && seals[first-1].content == last.content {
				first--
			}
			return fail(seals[first].seq, ProblemContent, "the "+noun+"'s content differs from what seal "+
				itoa(seals[first].seq)+" and later attest")
		}
	}
	r.OK = true
	return r
}

func itoa(n int) string { return strconv.Itoa(n) }
