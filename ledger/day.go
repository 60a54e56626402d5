package ledger

import (
	"sort"
	"time"
)

// DayHeader names the canonical form of a daily head and its version.
const DayHeader = "signoff-day/1"

// DayLayout is how a head's day is written.
const DayLayout = "2006-01-02"

// Ledgers a daily head covers, in the order their seals are written (see the package doc).
const (
	LedgerCases    = "case"
	LedgerProblems = "problem"
)

// DaySeal is one seal as a daily head covers it: which ledger, whose, which seq, its hash.
type DaySeal struct {
	Ledger string // LedgerCases or LedgerProblems
	ID     string // the case's or the problem's ID
	Seq    int
	Hash   string
}

// DayHead is the head of one UTC day: the hash over the previous day's head and every seal
// written that day.
type DayHead struct {
	Day      string // YYYY-MM-DD, UTC
	PrevHash string // the previous day's head; empty for the first head
	Seals    int    // how many seals the day holds
	Hash     string
}

// HeadOf computes the head of day after prev (the previous day's head hash, empty for the
// first) over the day's seals, which it writes in the defined order whatever order they come in.
func HeadOf(prev, day string, seals []DaySeal) DayHead {
	s := append([]DaySeal(nil), seals...)
	sort.Slice(s, func(i, j int) bool {
		if s[i].Ledger != s[j].Ledger {
			return s[i].Ledger < s[j].Ledger
		}
		if s[i].ID != s[j].ID {
			return s[i].ID < s[j].ID
		}
		return s[i].Seq < s[j].Seq
	})
	f := newFields(DayHeader)
	f.str("prev", prev)
	f.str("day", day)
	f.int("seals", int64(len(s)))
	for _, x := range s {
		f.str("seal.ledger", x.Ledger)
		f.str("seal.id", x.ID)
		f.int("seal.seq", int64(x.Seq))
		f.str("seal.hash", x.Hash)
	}
	return DayHead{Day: day, PrevHash: prev, Seals: len(s), Hash: f.digest()}
}

// Problem codes of a HeadReport.
const (
	HeadMissing  = "day_missing"      // a day between two heads has none
	HeadLink     = "head_link_broken" // prev is not the previous day's head
	HeadMismatch = "head_mismatch"    // the day's seals as stored now do not give its head
)

// HeadReport is what verifying the daily heads found.
type HeadReport struct {
	Days int    `json:"days"`
	OK   bool   `json:"ok"`
	Last string `json:"last,omitempty"` // the last day headed
	Head string `json:"head,omitempty"` // its hash
	// BrokenDay names the first day found broken, Problem says how.
	BrokenDay string `json:"broken_day,omitempty"`
	Problem   string `json:"problem,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// VerifyHeads checks the stored heads, in day order: no day skipped, each linked to the day
// before, and each the head its day's seals as stored now (sealsOf) give. It names the first
// broken day; sealsOf's error stops it.
func VerifyHeads(heads []DayHead, sealsOf func(day string) ([]DaySeal, error)) (HeadReport, error) {
	r := HeadReport{}
	fail := func(day, problem, detail string) (HeadReport, error) {
		r.BrokenDay, r.Problem, r.Detail = day, problem, detail
		return r, nil
	}
	prev := ""
	var prevDay time.Time
	for i, h := range heads {
		day, err := time.Parse(DayLayout, h.Day)
		if err != nil {
			return fail(h.Day, HeadMismatch, "not a day")
		}
		if i > 0 && !day.Equal(prevDay.AddDate(0, 0, 1)) {
			return fail(prevDay.AddDate(0, 0, 1).Format(DayLayout), HeadMissing, "no head between "+
				prevDay.Format(DayLayout)+" and "+h.Day)
		}
		if h.PrevHash != prev {
			return fail(h.Day, HeadLink, "previous hash does not match the head of the day before")
		}
		seals, err := sealsOf(h.Day)
		if err != nil {
			return r, err
		}
		if got := HeadOf(h.PrevHash, h.Day, seals); got.Hash != h.Hash {
			return fail(h.Day, HeadMismatch, "the head covers "+itoa(h.Seals)+" seals, the day's "+
				itoa(got.Seals)+" seals as stored now give another hash")
		}
		r.Days++
		prev, prevDay = h.Hash, day
		r.Last, r.Head = h.Day, h.Hash
	}
	r.OK = true
	return r, nil
}
