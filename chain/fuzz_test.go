package chain_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"signoff/chain"
	"signoff/policy"
)

// FuzzChain drives the demo chain through random sequences of actions by random people and
// checks, after every action the chain accepts, what an auditor relies on: nothing panics,
// Validate changes nothing and refuses only with a *Refusal, every completed step was completed
// by people holding its authority, nobody holds two incompatible roles, no step completes before
// the steps ahead of it (review before approval), the revision only moves forward by one per
// decision, and an open case is always held by someone.
//
// The input's first byte picks the case (the demo travel claim in each authority band, or a
// purchase request with its countersign); every following 5 bytes are one action (see
// decodeAction). The committed corpus is testdata/fuzz/FuzzChain.
func FuzzChain(f *testing.F) {
	// A claim signed through to payment; one returned, resubmitted and paid; one with a signer
	// added in parallel and its department head's level transferred to the one above her; a
	// purchase request countersigned to its end.
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1})
	f.Add([]byte{1, 3, 0, 0, 0, 5, 6, 0, 0, 0, 5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 5, 1, 0, 0, 0, 5})
	f.Add([]byte{2, 5, 0, 12, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3, 4, 0, 0, 0, 3, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3})
	f.Add([]byte{3, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		route := fuzzRoutes[int(data[0])%len(fuzzRoutes)]
		st := chain.New(caseID, submitter, 1, fuzzRules, route, monday10)
		out := st.Submitted(monday10)
		inv := newInvariants(t, route, st)
		inv.seals(out)
		now := monday10
		for i := 1; i+5 <= len(data) && i < 1+5*64; i += 5 {
			a, step := decodeAction(st, data[i:i+5])
			now = now.Add(step)
			before := st.Clone()
			err := st.Validate(a, now)
			if !reflect.DeepEqual(st, before) {
				t.Fatalf("Validate(%+v) changed the state", a)
			}
			if err != nil {
				var r *chain.Refusal
				if !errors.As(err, &r) || r.Code == "" {
					t.Fatalf("Validate(%+v) = %v, not a refusal with a code", a, err)
				}
				continue
			}
			prev := st.Clone()
			out := st.Apply(a, now)
			inv.check(prev, st, a, out)
			if data[i+3]&0x80 != 0 {
				st.Forms(a.Actor, a.OnBehalfOf, now) // what a page asks must not panic either
			}
		}
	})
}

// What every input starts from, made once: loading the demo policy is the slow part.
var (
	fuzzDoc   = policy.Demo()
	fuzzRules = chain.RulesOf(fuzzDoc)
	// fuzzPeople are who act and are named as targets: the demo organisation and one stranger.
	fuzzPeople = func() []string {
		var ids []string
		for _, u := range fuzzDoc.Users {
			ids = append(ids, u.ID)
		}
		return append(ids, stranger)
	}()
	// fuzzRoutes are the cases an input may pick: the demo travel claim in each authority band
	// and a purchase request, whose contract is countersigned by four department heads.
	fuzzRoutes = func() []policy.Route {
		var out []policy.Route
		for _, f := range []policy.Facts{
			{Kind: policy.KindExpense, Category: "travel", Amount: amountSmall},
			{Kind: policy.KindExpense, Category: "travel", Amount: amountMiddle},
			{Kind: policy.KindExpense, Category: "travel", Amount: amountLarge},
			{Kind: policy.KindProcurement, Category: "equipment", Amount: amountMiddle},
		} {
			f.Submitter, f.Department = submitter, "sales"
			r, err := fuzzDoc.Route(f)
			if err != nil {
				panic(err)
			}
			out = append(out, r)
		}
		return out
	}()
)

// decodeAction reads one action from 5 bytes: its type; its actor (a holder of the case most of
// the time, so that chains make progress, else anyone); a target; flags (add-signer position,
// acting as a delegate, a stale revision, no comment, a return to an earlier step, no payment
// reference); and the minutes that pass before it.
func decodeAction(st *chain.State, b []byte) (chain.Action, time.Duration) {
	typ := chain.Actions[int(b[0])%len(chain.Actions)]
	holders := st.Holders()
	actor := fuzzPeople[int(b[1])%len(fuzzPeople)]
	if b[1] < 0x80 && len(holders) > 0 {
		actor = holders[int(b[1])%len(holders)]
	}
	if (typ == chain.ActResubmit || typ == chain.ActWithdraw) && b[1]&1 == 0 {
		actor = submitter
	}
	flags := b[3]
	a := chain.Action{Type: typ, Actor: actor, Revision: st.Revision, Comment: "理由",
		Target: fuzzPeople[int(b[2])%len(fuzzPeople)], Reference: "BANK-1", PaidAt: monday10}
	a.Position = []string{chain.PositionParallel, chain.PositionBefore, chain.PositionAfter, "instead"}[flags&3]
	if flags&4 != 0 && len(holders) > 0 {
		a.OnBehalfOf = holders[int(b[2])%len(holders)]
	}
	if flags&8 != 0 {
		a.Revision--
	}
	if flags&0x10 != 0 {
		a.Comment = ""
	}
	if flags&0x20 != 0 {
		var done []string
		for _, s := range st.Steps {
			if s.Done {
				done = append(done, s.Key)
			}
		}
		if len(done) > 0 {
			a.ToStep = done[int(b[2])%len(done)]
		}
	}
	if flags&0x40 != 0 {
		a.Reference, a.PaidAt = "", time.Time{}
	}
	return a, time.Duration(b[4]) * time.Minute
}

// invariants remembers what the case was routed with, to check every accepted action against.
type invariants struct {
	t         *testing.T
	doc       *policy.Document
	authority map[string][]string // routed step key → its assignees and pool
	need      map[string]int      // routed step key → how many of them must sign
	seq       int
}

func newInvariants(t *testing.T, route policy.Route, st *chain.State) *invariants {
	inv := &invariants{t: t, doc: fuzzDoc, authority: map[string][]string{}, need: map[string]int{}}
	for _, rs := range route.Steps {
		inv.authority[rs.Key] = append(slices.Clone(rs.Assignees), rs.Pool...)
		switch rs.Mode {
		case policy.ModeAllOf:
			inv.need[rs.Key] = len(rs.Assignees)
		case policy.ModeKOfN:
			inv.need[rs.Key] = min(rs.K, len(rs.Assignees))
		default:
			inv.need[rs.Key] = 1
		}
	}
	inv.sod(st)
	return inv
}

func (inv *invariants) check(prev, st *chain.State, a chain.Action, out chain.Outcome) {
	t := inv.t
	t.Helper()
	inv.seals(out)
	want := prev.Revision
	if a.Type != chain.ActComment && a.Type != chain.ActNudge {
		want++
	}
	if st.Revision != want {
		t.Fatalf("%s moved the revision from %d to %d, want %d", a.Type, prev.Revision, st.Revision, want)
	}
	wasDone := map[string]bool{}
	for _, s := range prev.Steps {
		wasDone[s.Key] = s.Done
	}
	for i, s := range st.Steps {
		if !s.Done || wasDone[s.Key] {
			continue
		}
		// Completed by this action: everything ahead of it is done (review before approval) ...
		for _, ahead := range st.Steps[:i] {
			if !ahead.Done {
				t.Fatalf("%s completed step %s before %s", a.Type, s.Key, ahead.Key)
			}
		}
		// ... and, for a routed step, by enough people holding its authority.
		if s.AddedBy != "" {
			continue
		}
		var by []string
		for _, ap := range s.Approvals {
			p := ap.User
			if ap.OnBehalfOf != "" {
				p = ap.OnBehalfOf
			}
			if slices.Contains(inv.authority[s.Key], p) && !slices.Contains(by, p) {
				by = append(by, p)
			}
		}
		if len(by) < inv.need[s.Key] {
			t.Fatalf("%s completed step %s signed by %+v: %d of its holders %v signed, want %d",
				a.Type, s.Key, s.Approvals, len(by), inv.authority[s.Key], inv.need[s.Key])
		}
	}
	inv.sod(st)
	if (st.Status == chain.StatusInProgress || st.Status == chain.StatusAwaitingPayment) && len(st.Holders()) == 0 {
		t.Fatalf("after %+v the open case (%s at %d) is held by nobody", a, st.Status, st.Current)
	}
	for _, s := range st.Steps {
		for _, u := range append(slices.Clone(s.Assignees), s.Added...) {
			if !slices.Contains(st.Members, u) {
				t.Fatalf("step %s is held by %q, who is not in the organisation", s.Key, u)
			}
		}
	}
}

// seals: every seal numbered one after the other.
func (inv *invariants) seals(out chain.Outcome) {
	for _, s := range out.Seals {
		inv.seq++
		if s.Seq != inv.seq {
			inv.t.Fatalf("seal %+v numbered %d, want %d", s, s.Seq, inv.seq)
		}
	}
}

// sod: nobody on the case holds two incompatible roles (the submitter the handler's, everyone
// assigned to or signing a step that step's role).
func (inv *invariants) sod(st *chain.State) {
	held := map[string][]policy.Role{submitter: {policy.RoleHandler}}
	for _, s := range st.Steps {
		for _, u := range s.Assignees {
			held[u] = append(held[u], s.Role)
		}
		for _, ap := range s.Approvals {
			held[ap.User] = append(held[ap.User], s.Role)
		}
	}
	for u, roles := range held {
		for i, r := range roles {
			for _, q := range roles[i+1:] {
				if inv.doc.RolesIncompatible(r, q) {
					inv.t.Fatalf("%s holds %s and %s on the case", u, r, q)
				}
			}
		}
	}
}
