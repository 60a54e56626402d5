package e2e_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"signoff/demo"
	"signoff/testkit"
)

// Production problem coordination in the browser: a problem raised on the form by production,
// published by the dispatcher from the role board, worked and solved inline by the engineering
// representative, verified by the raiser from her board; the assessment page and the control
// center's big screen show the figures before and after.

// seedRegistry loads the demo's representatives registry: the center's staff, each department's
// representatives and leaders.
func (a *app) seedRegistry() {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := demo.SeedRegistry(ctx, a.stack.Store); err != nil {
		a.t.Fatal(err)
	}
}

// submitForm clicks a form's submit button and waits until the browser shows the page the form
// led to: a new document, however the server answered (a redirect back to the same page too).
func (b *browserApp) submitForm(what, form string) {
	b.t.Helper()
	b.step(what,
		chromedp.WaitVisible(chromedp.CSS(form+` button[type=submit]`)),
		testkit.Discard(chromedp.Evaluate[bool](`(() => { document.documentElement.dataset.stale = "1"; return true })()`)),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
	)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var fresh bool
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`document.readyState === "complete" && !document.documentElement.dataset.stale && !!document.querySelector("#main")`))
		cancel()
		fresh = err == nil && v // errors while the old document goes away: try again
		if fresh {
			return
		}
		if time.Now().After(deadline) {
			b.shot("timeout-" + what)
			b.t.Fatalf("%s: no new page after submitting %s", what, form)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// untilTrue reloads a page until a script's answer is true: for figures the problems' workflows
// write after the action that changed them.
func (b *browserApp) untilTrue(what, path, script string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ok bool
		b.step("open "+path, chromedp.Navigate(b.url(path)), chromedp.WaitVisible(chromedp.CSS("#main")),
			testkit.Into(&ok, chromedp.Evaluate[bool](script)))
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.shot("timeout-" + what)
			b.t.Fatalf("%s: %s never satisfied %s", what, path, script)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// kpiFigures is what the assessment page says of the center and of one department.
type kpiFigures struct {
	Period                     string
	CenterRate, CenterCounts   string // "100.0%", "1 / 1"
	DeptDue, DeptOnTime, DeptR string // "" when the department has no row
}

// kpiDeptScript reads a department's row of the assessment page as [due, on time, rate].
func kpiDeptScript(dept string) string { return kpiRowScript("departments", dept) }

// kpiRowScript reads the row of a key in a table of the assessment page ("departments" or
// "representatives") as [due, on time, rate], or [] when it has none.
func kpiRowScript(table, key string) string {
	return fmt.Sprintf(`(() => {
		for (const tr of document.querySelectorAll("#rates-%s tbody tr")) {
			const key = tr.querySelector("th .case-id");
			if (key && key.textContent.trim() === %q) {
				return Array.from(tr.querySelectorAll("td")).map(td => td.textContent.trim());
			}
		}
		return [];
	})()`, table, key)
}

func (b *browserApp) kpiFigures(dept string) kpiFigures {
	b.t.Helper()
	var f kpiFigures
	var row []string
	b.step("read the assessment page",
		testkit.Into(&f.Period, chromedp.Text(chromedp.CSS(".period-label"))),
		testkit.Into(&f.CenterRate, chromedp.Text(chromedp.CSS("#center-rate"))),
		testkit.Into(&f.CenterCounts, chromedp.Text(chromedp.CSS(".kpi-center .muted"))),
		testkit.Into(&row, chromedp.Evaluate[[]string](kpiDeptScript(dept))),
	)
	f.Period, f.CenterRate = strings.TrimSpace(f.Period), strings.TrimSpace(f.CenterRate)
	f.CenterCounts = strings.Join(strings.Fields(f.CenterCounts), " ")
	if len(row) == 3 {
		f.DeptDue, f.DeptOnTime, f.DeptR = row[0], row[1], row[2]
	}
	return f
}

// boardTile reads a tile of the big screen.
// It waits until the board has drawn the figures it fetched (data-state idle; board.js) and
// reads the tile's text in one script, so that no redraw can come between finding the tile and
// reading it.
func (b *browserApp) boardTile(field string) string {
	b.t.Helper()
	var s string
	b.step("read the board's "+field+" tile",
		chromedp.WaitVisible(chromedp.CSS(`#board[data-state="idle"]`)),
		testkit.Into(&s, chromedp.Evaluate[string](fmt.Sprintf(
			`(document.querySelector('.board-tile-n[data-field=%q]') || {textContent: "(no tile)"}).textContent`, field))))
	return strings.TrimSpace(s)
}

// TestBrowserProblemThroughTheRoleBoard is a production problem as the control center works it:
// production raises it on the form; the dispatcher publishes it to engineering and huang.lei from
// the screening queue of the role board; huang.lei posts progress and reports it solved on his
// board without opening the problem; the raiser verifies it from hers. The assessment page for
// the period holding the due date goes from 0 of 1 to 1 of 1 on time for engineering and the
// center, and the big screen from one open problem to none, with the closure counted.
func TestBrowserProblemThroughTheRoleBoard(t *testing.T) {
	b := newBrowserApp(t, desktopW, desktopH)
	b.seedRegistry()
	loc, err := time.LoadLocation("Asia/Shanghai") // the demo policy's timezone
	if err != nil {
		t.Fatal(err)
	}

	// 1. Production raises the problem.
	const title = "XH-7 总装扭矩超差"
	b.signIn("tian.yu")
	b.step("fill the problem form",
		testkit.Nav("#nav-problems"),
		chromedp.WaitVisible(chromedp.CSS("#main")),
		chromedp.Navigate(b.url("/problems/new")),
		chromedp.WaitVisible(chromedp.CSS("#problem-form")),
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SendKeys(chromedp.CSS("#description"), "总装一线 XH-7 第 3 工位扭矩超差，已停线待处理"),
		chromedp.SendKeys(chromedp.CSS("#model"), "XH-7"),
		chromedp.SendKeys(chromedp.CSS("#batch"), "B2026-11"),
		chromedp.SendKeys(chromedp.CSS("#bom_node"), "XH-7/总装/紧固件"),
		chromedp.SendKeys(chromedp.CSS("#line"), "总装一线"),
		choose("#severity", "normal"),
	)
	b.shot("1-problem-form")
	var problemURL string
	b.step("raise the problem",
		chromedp.Click(chromedp.CSS("#problem-submit")),
		chromedp.WaitVisible(chromedp.CSS("#problem-status")),
		testkit.Into(&problemURL, chromedp.Location()),
	)
	u, err := url.Parse(problemURL)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(u.Path, "/problems/")
	if !strings.HasPrefix(id, "PRB-") {
		t.Fatalf("after raising, the browser is at %s", problemURL)
	}
	if b.count("#flash") != 1 {
		t.Error("no confirmation after raising")
	}
	if got := b.text("#problem-status"); got != "待甄别" {
		t.Errorf("status after raising = %q, want 待甄别", got)
	}
	if got := b.text("#problem-severity"); got != "一般" {
		t.Errorf("severity = %q, want 一般", got)
	}
	facts := b.text("#problem-facts")
	for _, want := range []string{"XH-7", "B2026-11", "XH-7/总装/紧固件", "总装一线", "田雨"} {
		if !strings.Contains(facts, want) {
			t.Errorf("problem facts %q lack %q", facts, want)
		}
	}
	b.shot("1-problem-raised")
	b.signOut()

	// 2. The dispatcher publishes it from the screening queue to engineering and huang.lei.
	b.signIn("liu.yang")
	publish := "#publish-" + id
	b.step("the dispatcher finds it in the screening queue",
		testkit.Nav("#nav-board-me"),
		chromedp.WaitVisible(chromedp.CSS("#board-screening")),
		chromedp.WaitVisible(chromedp.CSS(publish)),
	)
	if item := b.text("#board-screening #item-" + id); !strings.Contains(item, title) || !strings.Contains(item, "一般") {
		t.Errorf("screening item = %q", item)
	}
	b.step("choose engineering and huang.lei",
		choose(publish+" select[name=department]", "engineering"),
		testkit.Discard(chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
			const sel = document.querySelector(%q);
			for (const o of sel.options) o.selected = o.value === "huang.lei";
			sel.dispatchEvent(new Event("change", {bubbles: true}));
			return true;
		})()`, publish+" select[name=representatives]"))),
	)
	b.shot("2-screening-queue")
	b.submitForm("publish inline", publish)
	if n := b.count(publish); n != 0 {
		t.Errorf("after publishing, %s is still in the screening queue", id)
	}
	if n := b.count("#action-error"); n != 0 {
		t.Fatalf("publishing was refused: %s", b.text("#action-error"))
	}
	b.shot("2-published")

	// The due date is the severity's default working time; it picks the assessment period.
	b.step("open the problem page",
		chromedp.Navigate(b.url("/problems/"+id)),
		chromedp.WaitVisible(chromedp.CSS("#problem-due")),
	)
	if got := b.text("#problem-status"); got != "处理中" {
		t.Errorf("status after publishing = %q, want 处理中", got)
	}
	if got := b.text("#problem-departments"); got != "研发部" {
		t.Errorf("departments = %q, want 研发部", got)
	}
	if got := b.text("#problem-representatives"); got != "黄磊" {
		t.Errorf("representatives = %q, want 黄磊", got)
	}
	dueText := b.text("#problem-due")
	dueFields := strings.Fields(dueText)
	if len(dueFields) < 2 {
		t.Fatalf("due date %q", dueText)
	}
	due, err := time.ParseInLocation("2006-01-02 15:04", dueFields[0]+" "+dueFields[1], loc)
	if err != nil {
		t.Fatalf("due date %q: %v", dueText, err)
	}
	if now := time.Now(); !due.After(now.Add(40*time.Hour)) || due.After(now.AddDate(0, 0, 21)) {
		t.Errorf("due %s is not 40 working hours from now (%s)", due, now.In(loc))
	}
	b.signOut()

	// 3. Before: the assessment page of the due date's month and the big screen.
	b.signIn("zheng.yu")
	kpiPath := "/kpi?period=month&at=" + due.Format(time.DateOnly)
	b.untilTrue("published problem counted", kpiPath,
		fmt.Sprintf(`(%s)[0] === "1"`, kpiDeptScript("engineering")))
	before := b.kpiFigures("engineering")
	if before.DeptDue != "1" || before.DeptOnTime != "0" || before.DeptR != "0.0%" {
		t.Errorf("engineering before = %s of %s on time (%s), want 0 of 1 (0.0%%)", before.DeptOnTime, before.DeptDue, before.DeptR)
	}
	if before.CenterRate != "0.0%" || before.CenterCounts != "0 / 1" {
		t.Errorf("center before = %s (%s), want 0.0%% (0 / 1)", before.CenterRate, before.CenterCounts)
	}
	monthStart := time.Date(due.Year(), due.Month(), 1, 0, 0, 0, 0, loc)
	if !strings.HasPrefix(before.Period, monthStart.Format(time.DateOnly)) {
		t.Errorf("period %q is not the month of the due date %s", before.Period, due.Format(time.DateOnly))
	}
	b.shot("3-kpi-before")

	now := time.Now().In(loc)
	dueThisMonth := due.Year() == now.Year() && due.Month() == now.Month()
	dueThisQuarter := due.Year() == now.Year() && (due.Month()-1)/3 == (now.Month()-1)/3
	b.step("open the big screen",
		testkit.Nav("#nav-boards"),
		chromedp.WaitVisible(chromedp.CSS("#board")),
	)
	if got := b.boardTile("open"); got != "1" {
		t.Errorf("open problems before = %q, want 1", got)
	}
	if got := b.boardTile("mean_close"); got != "—" {
		t.Errorf("mean time to close before = %q, want —", got)
	}
	wantRate := func(in bool, rate string) string {
		if in {
			return rate
		}
		return "—"
	}
	if got, want := b.boardTile("month"), wantRate(dueThisMonth, "0.0%"); got != want {
		t.Errorf("month rate before = %q, want %q", got, want)
	}
	if got, want := b.boardTile("quarter"), wantRate(dueThisQuarter, "0.0%"); got != want {
		t.Errorf("quarter rate before = %q, want %q", got, want)
	}
	b.shot("3-board-before")
	b.signOut()

	// 4. huang.lei works it from his board: progress, then solved, without leaving the board.
	b.signIn("huang.lei")
	progress, solve := "#progress-"+id, "#solve-"+id
	b.step("huang.lei finds it assigned to him",
		testkit.Nav("#nav-board-me"),
		chromedp.WaitVisible(chromedp.CSS("#board-assigned")),
		chromedp.WaitVisible(chromedp.CSS(progress)),
	)
	if got := b.text("#count-assigned"); !strings.Contains(got, "1") {
		t.Errorf("assigned count = %q, want 1", got)
	}
	if item := b.text("#board-assigned #item-" + id); !strings.Contains(item, title) || !strings.Contains(item, due.Format("2006-01-02 15:04")) {
		t.Errorf("assigned item = %q, want the title and the due date %s", item, due.Format("2006-01-02 15:04"))
	}
	b.step("write the progress", chromedp.SendKeys(chromedp.CSS(progress+"-comment"), "已更换扭矩扳手，复检中"))
	b.shot("4-assigned")
	b.submitForm("post progress inline", progress)
	if n := b.count("#action-error"); n != 0 {
		t.Fatalf("progress was refused: %s", b.text("#action-error"))
	}
	var where string
	b.step("still on the board",
		chromedp.WaitVisible(chromedp.CSS(solve)),
		testkit.Into(&where, chromedp.Location()),
	)
	if !strings.HasSuffix(where, "/board/me") {
		t.Errorf("after posting progress the browser is at %s, want the board", where)
	}
	b.step("write the solution", chromedp.SendKeys(chromedp.CSS(solve+" input[name=comment]"), "复检合格，扭矩恢复正常"))
	b.submitForm("report it solved inline", solve)
	if n := b.count("#action-error"); n != 0 {
		t.Fatalf("solving was refused: %s", b.text("#action-error"))
	}
	b.step("back on the board", testkit.Into(&where, chromedp.Location()))
	if !strings.HasSuffix(where, "/board/me") {
		t.Errorf("after solving the browser is at %s, want the board", where)
	}
	if n := b.count("#board-assigned #item-" + id); n != 0 {
		t.Errorf("%s is still assigned to huang.lei after he solved it", id)
	}
	if got := b.text("#count-assigned"); !strings.Contains(got, "0") {
		t.Errorf("assigned count after solving = %q, want 0", got)
	}
	b.shot("4-solved")
	b.signOut()

	// 5. The raiser verifies it from her board.
	b.signIn("tian.yu")
	verify := "#verify-" + id
	b.step("tian.yu finds it waiting for her",
		testkit.Nav("#nav-board-me"),
		chromedp.WaitVisible(chromedp.CSS("#board-verify")),
		chromedp.WaitVisible(chromedp.CSS(verify)),
	)
	if got := b.text("#count-verify"); !strings.Contains(got, "1") {
		t.Errorf("verification count = %q, want 1", got)
	}
	if item := b.text("#board-verify #item-" + id); !strings.Contains(item, "研发部") {
		t.Errorf("verification item = %q, want the department", item)
	}
	b.shot("5-verify")
	b.submitForm("verify inline", verify)
	if n := b.count("#action-error"); n != 0 {
		t.Fatalf("verification was refused: %s", b.text("#action-error"))
	}
	if n := b.count(verify); n != 0 {
		t.Errorf("%s still waits for verification", id)
	}
	if got := b.text("#count-verify"); !strings.Contains(got, "0") {
		t.Errorf("verification count after verifying = %q, want 0", got)
	}
	b.shot("5-verified")
	b.step("open the problem page",
		chromedp.Navigate(b.url("/problems/"+id)),
		chromedp.WaitVisible(chromedp.CSS("#timeline")),
	)
	if got := b.text("#problem-status"); got != "已关闭" {
		t.Errorf("status after verification = %q, want 已关闭", got)
	}
	var decisions []string
	b.step("read the timeline", testkit.Into(&decisions, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#timeline .seal")).map(li => li.dataset.decision)`)))
	if got, want := strings.Join(decisions, " "), "raised published progress solved verified"; got != want {
		t.Errorf("timeline %q, want %q", got, want)
	}
	if tl := b.text("#timeline"); !strings.Contains(tl, "已更换扭矩扳手，复检中") || !strings.Contains(tl, "黄磊") {
		t.Errorf("the timeline lacks huang.lei's progress: %q", tl)
	}
	b.shot("5-problem-closed")
	b.signOut()

	// 6. After: the same period on the assessment page, and the big screen reloaded.
	b.signIn("zheng.yu")
	b.untilTrue("closure counted", kpiPath, fmt.Sprintf(`(%s)[1] === "1"`, kpiDeptScript("engineering")))
	after := b.kpiFigures("engineering")
	if after.DeptDue != "1" || after.DeptOnTime != "1" || after.DeptR != "100.0%" {
		t.Errorf("engineering after = %s of %s on time (%s), want 1 of 1 (100.0%%)", after.DeptOnTime, after.DeptDue, after.DeptR)
	}
	if after.CenterRate != "100.0%" || after.CenterCounts != "1 / 1" {
		t.Errorf("center after = %s (%s), want 100.0%% (1 / 1)", after.CenterRate, after.CenterCounts)
	}
	var rep []string
	b.step("read huang.lei's rate", testkit.Into(&rep, chromedp.Evaluate[[]string](kpiRowScript("representatives", "huang.lei"))))
	if strings.Join(rep, " ") != "1 1 100.0%" {
		t.Errorf("huang.lei after = %q, want 1 due, 1 on time, 100.0%%", rep)
	}
	if after.Period != before.Period {
		t.Errorf("period after %q, before %q", after.Period, before.Period)
	}
	b.shot("6-kpi-after")

	// The drill-down behind engineering's rate lists the problem, on time.
	var drill string
	b.step("read engineering's drill-down link", testkit.Into(&drill, chromedp.Evaluate[string](
		`(() => { for (const tr of document.querySelectorAll("#rates-departments tbody tr")) {
			const k = tr.querySelector("th .case-id");
			if (k && k.textContent.trim() === "engineering") return tr.querySelector("td a").getAttribute("href");
		} return ""; })()`)))
	if !strings.HasPrefix(drill, "/kpi/problems?") {
		t.Fatalf("engineering's drill-down link = %q", drill)
	}
	b.step("open the drill-down", chromedp.Navigate(b.url(drill)), chromedp.WaitVisible(chromedp.CSS("#main")))
	if body := b.text("#main"); !strings.Contains(body, id) || !strings.Contains(body, title) {
		t.Errorf("the drill-down behind engineering's rate lacks %s", id)
	}
	b.shot("6-kpi-drilldown")

	b.untilTrue("board shows the closure", "/boards/center",
		`document.querySelector('.board-tile-n[data-field="open"]').textContent.trim() === "0"`)
	if got := b.boardTile("open"); got != "0" {
		t.Errorf("open problems after = %q, want 0", got)
	}
	if got := b.boardTile("overdue"); got != "0" {
		t.Errorf("overdue after = %q, want 0", got)
	}
	if got := b.boardTile("mean_close"); got == "—" || !strings.Contains(got, "小时") {
		t.Errorf("mean time to close after = %q, want hours", got)
	}
	if got, want := b.boardTile("month"), wantRate(dueThisMonth, "100.0%"); got != want {
		t.Errorf("month rate after = %q, want %q", got, want)
	}
	if got, want := b.boardTile("quarter"), wantRate(dueThisQuarter, "100.0%"); got != want {
		t.Errorf("quarter rate after = %q, want %q", got, want)
	}
	if dueThisMonth || dueThisQuarter {
		if rates := b.text("#board-rates"); !strings.Contains(rates, "研发部") || !strings.Contains(rates, "1/1") {
			t.Errorf("the board's rate table lacks engineering at 1/1: %q", rates)
		}
	}
	b.shot("6-board-after")
}
