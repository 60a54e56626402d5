package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"signoff/chain"
	"signoff/policy"
)

// fate is where a seeded case ends up.
type fate int

const (
	fateInProgress fate = iota // a signer (or the cashier) holds it
	fateReturned               // back with the submitter
	fatePaid
	fateRejected
	fateWithdrawn
)

// fateMix is the share of each fate, in percent: 30 in progress, 5 returned, 50 paid, 10
// rejected, 5 withdrawn.
var fateMix = []struct {
	f   fate
	pct int
}{{fateInProgress, 30}, {fateReturned, 5}, {fatePaid, 50}, {fateRejected, 10}, {fateWithdrawn, 5}}

// overdueShare is the share (1 in N) of cases in progress that are left overdue.
const overdueShare = 3

func pickFate(r *rand.Rand) fate {
	n := r.IntN(100)
	for _, m := range fateMix {
		if n < m.pct {
			return m.f
		}
		n -= m.pct
	}
	return fatePaid
}

// seedModel is what generating cases needs from the policy, computed once and read by every
// generator goroutine.
type seedModel struct {
	doc     *policy.Document
	version int
	rules   chain.Rules
	cal     policy.Calendar
	loc     *time.Location
	choices []seedChoice // who may claim against which budget line
	weights []float64    // cumulative, parallel to choices
	users   []string     // every user ID, for copies
	now     time.Time
	seed    int64
	prefix  string
	year    int
}

// seedChoice is a submitter with one budget line of their department and the categories the
// line takes (the gateway refuses a line of another department or category).
type seedChoice struct {
	submitter  string
	department string
	line       string
	categories []string
}

func newSeedModel(doc *policy.Document, version int, seed int64, now time.Time) (*seedModel, error) {
	loc, err := time.LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		return nil, fmt.Errorf("seed: policy timezone: %w", err)
	}
	m := &seedModel{doc: doc, version: version, rules: chain.RulesOf(doc), cal: doc.Calendar, loc: loc,
		now: now, seed: seed, prefix: SeedPrefix, year: SeedYear}
	var cats []string
	for _, c := range doc.Categories {
		cats = append(cats, c.ID)
	}
	// Submitters: the staff of every department that has a budget line to claim against. Some
	// claim much more than others (a weight falling with their position), so that one
	// submitter has many cases.
	total := 0.0
	rank := 0
	for _, u := range doc.Users {
		m.users = append(m.users, u.ID)
		var lines []policy.BudgetLine
		for _, l := range doc.BudgetLines {
			if l.Department == u.Department {
				lines = append(lines, l)
			}
		}
		if len(lines) == 0 {
			continue
		}
		w := 1 / (1 + 0.35*float64(rank))
		rank++
		for _, l := range lines {
			c := seedChoice{submitter: u.ID, department: u.Department, line: l.ID, categories: cats}
			if l.Category != "" {
				c.categories = []string{l.Category}
			}
			total += w / float64(len(lines))
			m.choices = append(m.choices, c)
			m.weights = append(m.weights, total)
		}
	}
	if len(m.choices) == 0 {
		return nil, fmt.Errorf("seed: the policy has no budget line anyone could claim against")
	}
	for i := range m.weights {
		m.weights[i] /= total
	}
	return m, nil
}

func (m *seedModel) pickChoice(r *rand.Rand) seedChoice {
	x := r.Float64()
	i, _ := slices.BinarySearch(m.weights, x)
	return m.choices[min(i, len(m.choices)-1)]
}

// pickAmount draws an amount in minor units across the category's authority bands: mostly the
// lowest band, a quarter the middle one, a few the top.
func (m *seedModel) pickAmount(r *rand.Rand, category string) policy.Money {
	var bands []policy.Band
	for _, a := range m.doc.Authority {
		if a.Category == category {
			bands = a.Bands
			break
		}
		if a.Category == "*" && bands == nil {
			bands = a.Bands
		}
	}
	if len(bands) == 0 {
		return policy.Money(100 + r.Int64N(500_000))
	}
	b := bands[0]
	switch x := r.IntN(100); {
	case x >= 95 && len(bands) > 2:
		b = bands[2]
	case x >= 70 && len(bands) > 1:
		b = bands[1]
	}
	lo := int64(b.Above) + 1
	hi := int64(b.Above) * 3
	if b.UpTo != nil {
		hi = int64(*b.UpTo)
	}
	if hi < lo {
		hi = lo + 1_000_000
	}
	u := r.Float64()
	a := lo + int64(u*u*float64(hi-lo)) // small claims are the common ones
	if r.IntN(5) > 0 {
		a = min((a+99)/100*100, hi) // most claims are whole yuan
	}
	return policy.Money(a)
}

// seedLine is one line item before its dates are known.
type seedLine struct {
	description string
	amount      int64
	invoice     string
	daysBefore  int // spent this many days before submission
}

func splitLines(r *rand.Rand, amount int64, t claimText) []seedLine {
	k := 1 + r.IntN(5)
	if amount < int64(k)*100 {
		k = 1
	}
	w := make([]float64, k)
	sum := 0.0
	for i := range w {
		w[i] = 0.2 + r.Float64()
		sum += w[i]
	}
	rest := amount - int64(k)
	out := make([]seedLine, k)
	left := amount
	for i := range out {
		a := int64(1) + int64(float64(rest)*w[i]/sum)
		if i == k-1 || a > left-int64(k-1-i) {
			a = left - int64(k-1-i)
		}
		left -= a
		out[i] = seedLine{description: pick(r, t.lines), amount: a,
			invoice: fmt.Sprintf("%08d", r.IntN(100_000_000)), daysBefore: r.IntN(21)}
	}
	return out
}

// script is what happens to a case besides plain approvals: keys are step keys of the route.
type script struct {
	fate      fate
	brisk     bool   // quick signers only (an open case that is not overdue)
	stopKey   string // the step where the case stops (in progress) or is decided (reject, return, withdraw)
	returnKey string // a signer returns it to the submitter here once, and it is resubmitted
	backKey   string // a signer returns it to an earlier step here once
	transfer  string // the holder transfers the step to a colleague here
	addSigner string // the holder adds a signer here
	comment   string // someone comments here
	nudge     bool   // an open case: the submitter nudges the holders
}

func planScript(r *rand.Rand, f fate, route policy.Route) script {
	s := script{fate: f}
	var all, signing []string // signing: steps before payment
	for _, st := range route.Steps {
		all = append(all, st.Key)
		if st.Role != policy.RoleCashier {
			signing = append(signing, st.Key)
		}
	}
	if len(signing) == 0 {
		signing = all
	}
	switch f {
	case fateInProgress:
		s.stopKey = pick(r, all)
		s.nudge = r.IntN(10) == 0
	case fateReturned, fateRejected, fateWithdrawn:
		s.stopKey = pick(r, signing)
	}
	if r.IntN(10) == 0 {
		s.returnKey = pick(r, signing)
	}
	if r.IntN(25) == 0 && len(signing) > 1 {
		s.backKey = signing[1+r.IntN(len(signing)-1)]
	}
	if r.IntN(25) == 0 {
		s.transfer = pick(r, all)
	}
	if r.IntN(50) == 0 {
		s.addSigner = pick(r, signing)
	}
	if r.IntN(7) == 0 {
		s.comment = pick(r, all)
	}
	return s
}

// simResult is a case's chain after its simulated history.
type simResult struct {
	st      *chain.State
	seals   []chain.Seal
	payment *chain.Payment
	closed  time.Time // zero while open
	last    time.Time // when the case was last written
}

// sim plays a case's history through the chain: every action is checked by Validate and
// carried out by Apply, and the workflow's alarms (reminder, then escalation) fire when due, as
// they would in production.
type sim struct {
	m     *seedModel
	r     *rand.Rand
	sc    script
	t     time.Time
	res   simResult
	fired map[string]bool
	slow  bool // the next action is the submitter correcting a returned claim

	remindFor, remindAt time.Time // see reminderAt
}

// simulate runs the script from start with its own random source, so that a second run from
// another start takes the same decisions at the same working-time offsets.
func (m *seedModel) simulate(id, submitter string, route policy.Route, sc script, seed uint64, start time.Time) (simResult, error) {
	s := &sim{m: m, r: rand.New(rand.NewPCG(seed, 0x5eed)), sc: sc, t: start, fired: map[string]bool{}}
	s.res.st = chain.New(id, submitter, m.version, m.rules, route, start)
	s.record(s.res.st.Submitted(start))
	if err := s.play(); err != nil {
		return simResult{}, fmt.Errorf("seed %s: %w", id, err)
	}
	return s.res, nil
}

// maxActions bounds one case's history; a script never needs as many.
const maxActions = 60

func (s *sim) play() error {
	st := s.res.st
	for range maxActions {
		cur := st.CurrentStep()
		if cur == nil {
			return nil // closed, or back with the submitter
		}
		key := cur.Key
		if key == s.sc.stopKey && s.sc.fate != fatePaid {
			return s.stop()
		}
		if done, err := s.flourish(key); err != nil || done {
			if err != nil {
				return err
			}
			continue
		}
		holder := pick(s.r, st.Holders())
		a := chain.Action{Type: chain.ActApprove, Actor: holder}
		if cur.Role == policy.RoleCashier {
			a.Type, a.Reference = chain.ActPay, "BANK-"+st.CaseID
		}
		if err := s.must(a); err != nil {
			return err
		}
	}
	return fmt.Errorf("no end after %d actions", maxActions)
}

// stop ends the script at its stop step: decided there, or left open.
func (s *sim) stop() error {
	st := s.res.st
	holder := pick(s.r, st.Holders())
	switch s.sc.fate {
	case fateRejected:
		return s.must(chain.Action{Type: chain.ActReject, Actor: holder, Comment: pick(s.r, rejectReasons)})
	case fateReturned:
		return s.must(chain.Action{Type: chain.ActReturn, Actor: holder, Comment: pick(s.r, returnReasons)})
	case fateWithdrawn:
		return s.must(chain.Action{Type: chain.ActWithdraw, Actor: st.Submitter, Comment: pick(s.r, withdrawNotes)})
	}
	if s.sc.nudge {
		s.try(chain.Action{Type: chain.ActNudge, Actor: st.Submitter})
	}
	return nil
}

// flourish takes the script's extra action planned at this step, once. done reports that the
// action changed who holds the case, so the loop looks again.
func (s *sim) flourish(key string) (done bool, err error) {
	st := s.res.st
	cur := st.CurrentStep()
	once := func(what, at string) bool {
		if at != key || s.fired[what] {
			return false
		}
		s.fired[what] = true
		return true
	}
	holder := pick(s.r, st.Holders())
	switch {
	case once("comment", s.sc.comment):
		who := holder
		if s.r.IntN(2) == 0 {
			who = st.Submitter
		}
		s.try(chain.Action{Type: chain.ActComment, Actor: who, Comment: pick(s.r, comments)})
		return false, nil
	case once("return", s.sc.returnKey):
		if !s.try(chain.Action{Type: chain.ActReturn, Actor: holder, Comment: pick(s.r, returnReasons)}) {
			return false, nil
		}
		s.slow = true
		err := s.must(chain.Action{Type: chain.ActResubmit, Actor: st.Submitter, Comment: "已按要求修改"})
		return true, err
	case once("back", s.sc.backKey):
		var earlier []string
		for i := range st.Current {
			if st.Steps[i].Done {
				earlier = append(earlier, st.Steps[i].Key)
			}
		}
		if len(earlier) == 0 {
			return false, nil
		}
		return s.try(chain.Action{Type: chain.ActReturn, Actor: holder, Comment: pick(s.r, returnReasons),
			ToStep: pick(s.r, earlier)}), nil
	case once("transfer", s.sc.transfer):
		var to []string
		for _, p := range cur.Pool {
			if !slices.Contains(cur.Assignees, p) {
				to = append(to, p)
			}
		}
		if len(to) == 0 {
			return false, nil
		}
		return s.try(chain.Action{Type: chain.ActTransfer, Actor: holder, Target: pick(s.r, to), Comment: "出差期间请代为处理"}), nil
	case once("add_signer", s.sc.addSigner):
		target := pick(s.r, s.m.users)
		pos := pick(s.r, []string{chain.PositionBefore, chain.PositionAfter, chain.PositionParallel})
		return s.try(chain.Action{Type: chain.ActAddSigner, Actor: holder, Target: target, Position: pos,
			Comment: "请一并审核"}), nil
	}
	return false, nil
}

// try takes an optional action if the chain allows it.
func (s *sim) try(a chain.Action) bool {
	a.Revision = s.res.st.Revision
	if s.res.st.Validate(a, s.t) != nil {
		return false
	}
	return s.must(a) == nil
}

// must takes an action after some working time has passed, firing the alarms due meanwhile.
func (s *sim) must(a chain.Action) error {
	s.t = s.m.cal.AddWorking(s.t, s.gap())
	s.alarms(s.t)
	st := s.res.st
	a.Revision = st.Revision
	if a.Type == chain.ActPay {
		a.PaidAt = s.t
	}
	if err := st.Validate(a, s.t); err != nil {
		return fmt.Errorf("%s by %s: %w", a.Type, a.Actor, err)
	}
	s.record(st.Apply(a, s.t))
	return nil
}

// gap is the working time before the next action: mostly quick, sometimes slow enough for
// reminders and escalations; the submitter takes longer to correct a returned claim.
func (s *sim) gap() time.Duration {
	minutes := func(lo, hi int) time.Duration { return time.Duration(lo+s.r.IntN(hi-lo+1)) * time.Minute }
	if s.slow {
		s.slow = false
		return minutes(10, 8*60)
	}
	if s.sc.brisk {
		return minutes(5, 60)
	}
	switch x := s.r.IntN(100); {
	case x < 85:
		return minutes(5, 120)
	case x < 97:
		return minutes(120, 360)
	default:
		return minutes(360, 960)
	}
}

// alarms fires the reminders and escalations due by t, as the case workflow's timer does.
func (s *sim) alarms(t time.Time) {
	st := s.res.st
	for {
		deadline := st.Deadline()
		if deadline.IsZero() {
			return
		}
		if !st.Reminded {
			if remind := s.reminderAt(deadline); !remind.IsZero() && remind.Before(deadline) {
				if remind.After(t) {
					return
				}
				s.record(st.Remind(s.notBeforeLast(remind)))
				continue
			}
		}
		if st.Escalated || deadline.After(t) {
			return
		}
		s.record(st.Escalate(s.m.superiors(st.Holders()), s.notBeforeLast(deadline)))
	}
}

// notBeforeLast is when an alarm due at `at` fires: then, or at once after the last write when
// it came due earlier (a step entered after the chain's deadline passed), as the workflow's
// timer of zero duration does.
func (s *sim) notBeforeLast(at time.Time) time.Time {
	if at.Before(s.res.last) {
		return s.res.last
	}
	return at
}

// reminderAt is the state's ReminderAt, computed again only when the deadline moves (working
// time arithmetic is most of the cost of generating a case).
func (s *sim) reminderAt(deadline time.Time) time.Time {
	if !deadline.Equal(s.remindFor) {
		s.remindFor, s.remindAt = deadline, s.res.st.ReminderAt()
	}
	return s.remindAt
}

// superiors resolves whom an overdue step escalates to, as the Superiors activity does.
func (m *seedModel) superiors(users []string) []string {
	var out []string
	for _, u := range users {
		if sup := m.doc.Superior(u); sup != "" && !slices.Contains(out, sup) {
			out = append(out, sup)
		}
	}
	return out
}

func (s *sim) record(o chain.Outcome) {
	s.res.seals = append(s.res.seals, o.Seals...)
	for _, x := range o.Seals {
		s.res.last = x.At
	}
	if o.Payment != nil {
		p := *o.Payment
		s.res.payment = &p
	}
	if s.res.closed.IsZero() && s.res.st.Status.Closed() {
		s.res.closed = s.res.last
	}
}

// seedCase is one generated case with everything its rows need.
type seedCase struct {
	no          int
	id          string
	title       string
	purpose     string
	category    string
	department  string
	line        string
	amount      int64
	submitter   string
	submittedAt time.Time
	lines       []seedLine
	copies      []string
	sim         simResult
}

// generate makes case number no. Its random source depends only on the seed and the number, so
// a case is the same whether it is seeded alone or with others.
func (m *seedModel) generate(no int) (*seedCase, error) {
	r := rand.New(rand.NewPCG(uint64(m.seed), uint64(no)))
	c := &seedCase{no: no, id: fmt.Sprintf("%s-%d-%06d", m.prefix, m.year, no)}
	f := pickFate(r)
	overdue := f == fateInProgress && r.IntN(overdueShare) == 0
	var route policy.Route
	for attempt := 0; ; attempt++ {
		ch := m.pickChoice(r)
		cat := pick(r, ch.categories)
		amount := m.pickAmount(r, cat)
		var err error
		route, err = m.doc.Route(policy.Facts{Kind: policy.KindExpense, Category: cat, Amount: amount,
			Submitter: ch.submitter, Department: ch.department})
		if err == nil {
			c.category, c.amount, c.submitter, c.department, c.line = cat, int64(amount), ch.submitter, ch.department, ch.line
			break
		}
		if attempt == 50 {
			return nil, fmt.Errorf("seed %s: no routable claim: %w", c.id, err)
		}
	}
	t := textOf(c.category)
	c.purpose = pick(r, t.purposes)
	c.title = c.purpose
	if cat, ok := m.doc.Category(c.category); ok {
		c.title = cat.Name + "：" + c.purpose
	}
	c.lines = splitLines(r, c.amount, t)
	if r.IntN(10) == 0 {
		for range 1 + r.IntN(2) {
			if u := pick(r, m.users); u != c.submitter && !slices.Contains(c.copies, u) {
				c.copies = append(c.copies, u)
			}
		}
	}

	sc := planScript(r, f, route)
	sc.brisk = f == fateInProgress && !overdue
	day := 24 * time.Hour
	ago := func(lo, hi time.Duration) time.Time {
		return m.now.Add(-(lo + time.Duration(r.Int64N(int64(hi-lo))))).Truncate(time.Second)
	}
	var start time.Time
	switch {
	case f == fateReturned:
		start = ago(day, 60*day)
	case f == fateInProgress && overdue:
		start = ago(7*day, 120*day)
	case f == fateInProgress:
		start = ago(0, day) // moved below so that its deadline is still ahead
	default:
		start = ago(2*day, 365*day)
	}
	lead := time.Duration(r.IntN(210)) * time.Minute // working time since the last action
	simSeed := r.Uint64()
	res, err := m.simulate(c.id, c.submitter, route, sc, simSeed, start)
	if err != nil {
		return nil, err
	}
	// An open case that is not overdue, or a history that would run past now, is replayed so
	// that its last action lies `lead` of working time before now.
	if sc.brisk || res.last.After(m.now) {
		if !sc.brisk {
			lead += 8 * time.Hour
		}
		start = m.cal.SubtractWorking(m.now, m.cal.WorkingBetween(start, res.last)+lead)
		if res, err = m.simulate(c.id, c.submitter, route, sc, simSeed, start); err != nil {
			return nil, err
		}
	}
	if !res.st.Status.Closed() {
		s := &sim{m: m, res: res}
		s.alarms(m.now)
		res = s.res
	}
	c.submittedAt, c.sim = start, res
	return c, nil
}
