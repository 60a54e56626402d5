package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"signoff/testkit"
)

// Browser tests: people use Signoff through its web pages in headless Chromium, exactly as they
// would at their desks or on their phones. Screenshots of the key pages are written under
// artifacts/screenshots/.

const (
	desktopW, desktopH = 1280, 900
	phoneW, phoneH     = 390, 844
)

// browserApp is a running Signoff and a browser pointed at it.
type browserApp struct {
	*app
	t   *testing.T
	ctx context.Context
}

func newBrowserApp(t *testing.T, width, height int) *browserApp {
	a := newApp(t)
	return &browserApp{app: a, t: t, ctx: testkit.Browser(t, width, height)}
}

func (b *browserApp) url(path string) string { return b.srv.URL + path }

func (b *browserApp) step(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	testkit.Step(b.t, b.ctx, what, actions...)
}

func (b *browserApp) shot(name string) {
	b.t.Helper()
	testkit.Screenshot(b.t, b.ctx, name)
}

// signIn signs a demo user in through the sign-in form and waits for the inbox.
func (b *browserApp) signIn(user string) {
	b.t.Helper()
	b.step("sign in as "+user,
		chromedp.Navigate(b.url("/login")),
		chromedp.WaitVisible(chromedp.CSS("#user")),
		chromedp.SendKeys(chromedp.CSS("#user"), user),
		chromedp.SendKeys(chromedp.CSS("#password"), "signoff"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("nav.tabs")),
		// app.js has bound the page's behaviour (the menus, the form helpers): keys pressed
		// before that would reach a page without it.
		chromedp.WaitReady(chromedp.CSS("html[data-ready]")),
	)
}

// signOut uses the sign-out button of the top bar.
func (b *browserApp) signOut() {
	b.t.Helper()
	b.step("sign out",
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#user")),
	)
}

// choose picks an option of a select and tells the page, as a person's choice would.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SetValue(chromedp.CSS(sel), value),
		testkit.Discard(chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event("change", {bubbles: true}))`, sel))),
	)
}

// clearField empties an input, as selecting its text and deleting it would.
func clearField(sel string) chromedp.Action[chromedp.Void] {
	return testkit.Discard(chromedp.Evaluate[bool](fmt.Sprintf(
		`(() => { const el = document.querySelector(%q); el.value = ""; el.dispatchEvent(new Event("input", {bubbles: true})); return true })()`, sel)))
}

// text reads an element's text.
func (b *browserApp) text(sel string) string {
	b.t.Helper()
	var s string
	b.step("read "+sel, testkit.Into(&s, chromedp.Text(chromedp.CSS(sel))))
	return strings.TrimSpace(s)
}

// count counts the elements a selector finds.
func (b *browserApp) count(sel string) int {
	b.t.Helper()
	var n int
	b.step("count "+sel, testkit.Into(&n, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))))
	return n
}

// receipt writes a small PNG receipt and returns its path.
func receipt(t *testing.T, name string) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 40))
	for x := range 64 {
		for y := range 40 {
			img.Set(x, y, color.RGBA{R: uint8(200 + x%50), G: 220, B: uint8(180 + y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// signFromInbox opens the case from the signer's to-do list and approves it.
func (b *browserApp) signFromInbox(user, caseID, opinion string) {
	b.t.Helper()
	b.signIn(user)
	row := fmt.Sprintf(`#case-list a[href="/cases/%s"]`, caseID)
	b.step(user+" opens "+caseID+" from the inbox",
		chromedp.WaitVisible(chromedp.CSS(row)),
		chromedp.Click(chromedp.CSS(row)),
		chromedp.WaitVisible(chromedp.CSS("#act-approve-button")),
		chromedp.SendKeys(chromedp.CSS("#act-approve-comment"), opinion),
	)
	b.shot("sign-" + user)
	b.step(user+" approves",
		chromedp.Click(chromedp.CSS("#act-approve-button")),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	b.signOut()
}

// TestBrowserClaimThroughTheChain is the everyday path: a salesman files a claim with two lines
// and a receipt through the form, sees who will sign, and submits; the witness, the reviewer and
// the approver sign from their inboxes; the cashier pays; the salesman sees it paid with every
// seal.
func TestBrowserClaimThroughTheChain(t *testing.T) {
	b := newBrowserApp(t, desktopW, desktopH)
	b.signIn("zhang.wei")
	b.shot("inbox-before")

	b.step("fill the claim form",
		chromedp.Navigate(b.url("/expenses/new")),
		chromedp.WaitVisible(chromedp.CSS("#claim-form")),
		chromedp.SendKeys(chromedp.CSS("#purpose"), "11 月 3 日至 5 日赴上海拜访客户"),
		choose("#category", "travel"),
		choose("#budget_line_id", "2026-sales-travel"),
		chromedp.SetValue(chromedp.CSS("#line-0-spent_on"), "2026-11-02"),
		chromedp.SendKeys(chromedp.CSS("#line-0-description"), "高铁 北京—上海"),
		chromedp.SendKeys(chromedp.CSS("#line-0-amount"), "1200.00"),
		chromedp.SendKeys(chromedp.CSS("#line-0-invoice_no"), "INV-20261102-01"),
		chromedp.SendKeys(chromedp.CSS("#line-1-description"), "酒店两晚"),
		chromedp.SendKeys(chromedp.CSS("#line-1-amount"), "350.50"),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{receipt(t, "高铁票.png")}),
	)
	if got := b.text("#total"); got != "¥1,550.50" {
		t.Errorf("live total = %q, want ¥1,550.50", got)
	}
	b.step("wait for the route preview", chromedp.WaitVisible(chromedp.CSS("#route-steps")))
	route := b.text("#route-steps")
	for _, who := range []string{"李娜", "孙敏", "王芳", "吴霞"} {
		if !strings.Contains(route, who) {
			t.Errorf("route preview %q does not name %s", route, who)
		}
	}
	if n := b.count("#route-steps > li"); n != 4 {
		t.Errorf("route preview has %d steps, want 4 (witness, review, department head, payment)", n)
	}
	b.shot("form-with-preview")

	var caseURL string
	b.step("submit",
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#case-status")),
		testkit.Into(&caseURL, chromedp.Location()),
	)
	caseID := caseURL[strings.LastIndex(caseURL, "/")+1:]
	caseID, _, _ = strings.Cut(caseID, "?")
	if !strings.HasPrefix(caseID, "EXP-") {
		t.Fatalf("after submitting, the browser is at %s", caseURL)
	}
	if got := b.text("#case-status"); got != "审批中" {
		t.Errorf("status after submitting = %q, want 审批中", got)
	}
	if n := b.count("#case-attachments li"); n != 1 {
		t.Errorf("case shows %d attachments, want 1", n)
	}
	b.shot("case-submitted")
	b.signOut()

	b.signFromInbox("li.na", caseID, "情况属实")
	b.signFromInbox("sun.min", caseID, "票据齐全，符合标准")
	b.signFromInbox("wang.fang", caseID, "同意")

	b.signIn("wu.xia")
	b.step("the cashier records the payment",
		chromedp.Navigate(b.url("/cases/"+caseID)),
		chromedp.Click(chromedp.CSS("#act-pay-open")),
		chromedp.WaitVisible(chromedp.CSS("#act-pay-reference")),
		chromedp.SendKeys(chromedp.CSS("#act-pay-reference"), "BANK-2026-1122-001"),
		chromedp.Click(chromedp.CSS("#act-pay-button")),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	b.signOut()

	b.signIn("zhang.wei")
	b.step("the submitter opens the case from their submissions",
		chromedp.Navigate(b.url("/inbox?tab=submitted")),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#case-list a[href="/cases/%s"]`, caseID))),
		chromedp.WaitVisible(chromedp.CSS("#timeline")),
	)
	if got := b.text("#case-status"); got != "已付款" {
		t.Errorf("final status = %q, want 已付款", got)
	}
	timeline := b.text("#timeline")
	if n := b.count("#timeline > li"); n != 5 {
		t.Errorf("timeline has %d seals, want 5 (submitted, three approvals, paid): %s", n, timeline)
	}
	for _, want := range []string{"提交", "张伟", "李娜", "证明人", "情况属实", "孙敏", "审核人", "王芳", "审批人", "吴霞", "付款"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline lacks %q: %s", want, timeline)
		}
	}
	b.shot("case-paid-timeline")
}

// TestBrowserFormErrorsKeepInput: a claim with mistakes comes back with each problem next to its
// field and everything typed still there, including the receipt already uploaded; markup typed
// into a field shows as text and never runs.
func TestBrowserFormErrorsKeepInput(t *testing.T) {
	b := newBrowserApp(t, desktopW, desktopH)
	b.signIn("zhang.wei")
	const xss = `出租车<img src=x onerror="window.__xss=1">`
	fake := filepath.Join(t.TempDir(), "发票.pdf")
	if err := os.WriteFile(fake, []byte("this is not a PDF"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.step("fill the form with mistakes and submit",
		chromedp.Navigate(b.url("/expenses/new")),
		chromedp.WaitVisible(chromedp.CSS("#claim-form")),
		choose("#category", "travel"),
		choose("#budget_line_id", "2026-sales-travel"),
		chromedp.SendKeys(chromedp.CSS("#line-0-description"), xss),
		chromedp.SendKeys(chromedp.CSS("#line-0-amount"), "12.345"),
		chromedp.SendKeys(chromedp.CSS("#line-1-description"), "地铁"),
		chromedp.SendKeys(chromedp.CSS("#line-1-amount"), "6"),
		chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{fake, receipt(t, "收据.png")}),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#form-errors")),
	)
	if got := b.text("#purpose-error"); !strings.Contains(got, "用途") {
		t.Errorf("purpose error = %q", got)
	}
	if got := b.text(`#line-0-amount + .field-error, .has-error #line-0-amount ~ .field-error`); !strings.Contains(got, "两位小数") {
		t.Errorf("amount error = %q", got)
	}
	if got := b.text("#attachments-error"); !strings.Contains(got, "发票.pdf") {
		t.Errorf("attachment error = %q, want it to name the fake PDF", got)
	}
	var desc, amount, category string
	var xssRan bool
	b.step("read back what was typed",
		testkit.Into(&desc, chromedp.Value(chromedp.CSS("#line-0-description"))),
		testkit.Into(&amount, chromedp.Value(chromedp.CSS("#line-0-amount"))),
		testkit.Into(&category, chromedp.Value(chromedp.CSS("#category"))),
		testkit.Into(&xssRan, chromedp.Evaluate[bool](`window.__xss === 1`)),
	)
	if desc != xss || amount != "12.345" || category != "travel" {
		t.Errorf("typed input lost: description %q, amount %q, category %q", desc, amount, category)
	}
	if xssRan {
		t.Error("markup typed into a field ran as script")
	}
	if n := b.count(`#uploads input[name="attachment"]:checked`); n != 1 {
		t.Errorf("%d uploads kept on the form, want the one real receipt", n)
	}
	b.shot("form-errors")

	var caseURL string
	b.step("fix the mistakes and submit",
		chromedp.SendKeys(chromedp.CSS("#purpose"), "市内交通"),
		clearField("#line-0-amount"),
		chromedp.SendKeys(chromedp.CSS("#line-0-amount"), "12.34"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#case-status")),
		testkit.Into(&caseURL, chromedp.Location()),
	)
	if n := b.count("#case-attachments li"); n != 1 {
		t.Errorf("case has %d attachments, want the kept receipt", n)
	}
	if got := b.text(".lines-table tbody"); !strings.Contains(got, `<img src=x onerror="window.__xss=1">`) {
		t.Errorf("the case page does not show the typed markup as text: %q", got)
	}
	b.step("check no script ran", testkit.Into(&xssRan, chromedp.Evaluate[bool](`window.__xss === 1`)))
	if xssRan {
		t.Error("markup typed into a field ran as script on the case page")
	}
	b.shot("case-with-markup-as-text")
}

// TestBrowserReturnEditResubmit: the reviewer returns a claim with a reason; the submitter
// corrects an amount in the form and resubmits; the witness's seal attested the old amount, so
// the case goes back to the witness, then on to the reviewer who returned it.
func TestBrowserReturnEditResubmit(t *testing.T) {
	b := newBrowserApp(t, desktopW, desktopH)
	c := b.must(b.do("zhang.wei", "POST", "/api/v1/expenses", claimBody("客户拜访", "travel", "2026-sales-travel", "800.00", "120.00")), 201, "submit")
	id := c.str("id")
	b.must(b.act("li.na", id, "approve", c.num("revision"), nil), 200, "witness")

	b.signIn("sun.min")
	b.step("the reviewer returns the claim",
		chromedp.Navigate(b.url("/cases/"+id)),
		chromedp.Click(chromedp.CSS("#act-return-open")),
		chromedp.WaitVisible(chromedp.CSS("#act-return-comment")),
		chromedp.Click(chromedp.CSS("#act-return-button")), // no reason yet
		chromedp.WaitVisible(chromedp.CSS("#action-error")),
	)
	if got := b.text("#action-error"); !strings.Contains(got, "理由") {
		t.Errorf("a return without a reason says %q", got)
	}
	b.step("give the reason",
		chromedp.SendKeys(chromedp.CSS("#act-return-comment"), "第二行金额与发票不符，请核对"),
		chromedp.Click(chromedp.CSS("#act-return-button")),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	if got := b.text("#case-status"); got != "已退回" {
		t.Errorf("status after return = %q", got)
	}
	b.signOut()

	b.signIn("zhang.wei")
	b.step("the submitter opens the correction form",
		chromedp.Navigate(b.url("/cases/"+id)),
		chromedp.Click(chromedp.CSS("#act-edit-resubmit")),
		chromedp.WaitVisible(chromedp.CSS("#claim-form")),
	)
	var second string
	b.step("read the prefilled form", testkit.Into(&second, chromedp.Value(chromedp.CSS("#line-1-amount"))))
	if second != "120.00" {
		t.Errorf("correction form line 2 amount = %q, want 120.00", second)
	}
	b.shot("resubmit-form")
	b.step("correct and resubmit",
		clearField("#line-1-amount"),
		chromedp.SendKeys(chromedp.CSS("#line-1-amount"), "102.00"),
		chromedp.SendKeys(chromedp.CSS("#comment"), "已按发票更正"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	if got := b.text("#case-status"); got != "审批中" {
		t.Errorf("status after resubmitting = %q", got)
	}
	if got := b.text(".big-amount"); got != "¥902.00" {
		t.Errorf("amount after resubmitting = %q, want ¥902.00", got)
	}
	if got := b.text(".current-step"); !strings.Contains(got, "李娜") {
		t.Errorf("after resubmitting the case is with %q, want the witness whose seal the edit invalidated", got)
	}
	timeline := b.text("#timeline")
	for _, want := range []string{"退回", "第二行金额与发票不符", "重新提交", "已按发票更正"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
	b.shot("case-resubmitted")
}

// TestBrowserEnglishSwitch: the language switch turns the pages into English and back, and the
// choice is remembered across pages.
func TestBrowserEnglishSwitch(t *testing.T) {
	b := newBrowserApp(t, desktopW, desktopH)
	b.signIn("zhang.wei")
	if got := b.text("#main h1"); got != "待办" {
		t.Errorf("default heading = %q, want 待办", got)
	}
	var lang string
	b.step("switch to English",
		chromedp.Click(chromedp.CSS(`a.lang[hreflang="en"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.lang[hreflang="zh-CN"]`)),
		testkit.Into(&lang, testkit.Attr(chromedp.CSS("html"), "lang")),
	)
	if lang != "en" || b.text("#main h1") != "Inbox" || !strings.Contains(b.text("#tab-todo"), "To do") {
		t.Errorf("after switching: lang %q, heading %q", lang, b.text("#main h1"))
	}
	b.step("the choice holds on the next page",
		chromedp.Navigate(b.url("/expenses/new")),
		chromedp.WaitVisible(chromedp.CSS("#claim-form")),
	)
	if got := b.text("#main h1"); got != "New reimbursement claim" {
		t.Errorf("form heading in English = %q", got)
	}
	b.shot("form-english")
	b.step("switch back",
		chromedp.Click(chromedp.CSS(`a.lang[hreflang="zh-CN"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a.lang[hreflang="en"]`)),
	)
	if got := b.text("#main h1"); got != "发起费用报销" {
		t.Errorf("heading after switching back = %q", got)
	}
}

// TestBrowserPhoneWidth: on a phone the inbox, the form and the case page fit the screen with
// long Chinese text, and the form can be filled.
func TestBrowserPhoneWidth(t *testing.T) {
	b := newBrowserApp(t, phoneW, phoneH)
	long := strings.Repeat("参加华东区域重点客户年度合作洽谈会议并现场考察生产线", 6)
	c := b.must(b.do("zhang.wei", "POST", "/api/v1/expenses", map[string]any{
		"purpose": long, "category": "travel", "budget_line_id": "2026-sales-travel",
		"lines": []map[string]any{{"description": long, "amount": "4321.00", "invoice_no": "INV-1"}},
	}), 201, "submit")
	b.signIn("zhang.wei")
	fits := func(page string) {
		t.Helper()
		var overflow bool
		b.step("measure "+page, testkit.Into(&overflow, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)))
		if overflow {
			t.Errorf("%s is wider than a %dpx phone screen", page, phoneW)
		}
		b.shot("phone-" + page)
	}
	b.step("inbox", chromedp.Navigate(b.url("/inbox?tab=submitted")), chromedp.WaitVisible(chromedp.CSS("#case-list")))
	fits("inbox")
	b.step("case", chromedp.Navigate(b.url("/cases/"+c.str("id"))), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	fits("case")
	b.step("form", chromedp.Navigate(b.url("/expenses/new")), chromedp.WaitVisible(chromedp.CSS("#claim-form")),
		chromedp.SendKeys(chromedp.CSS("#purpose"), long))
	fits("form")
}
