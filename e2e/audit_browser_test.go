package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReviewResultsAndAuditLog: a claim the reviewer returns with a reason shows on the
// published review results any employee opens from the 管理 group; the internal auditor opens
// the audit log from the same group and finds the salesman's sign-in there.
func TestBrowserReviewResultsAndAuditLog(t *testing.T) {
	b := newBrowserApp(t, desktopW, desktopH)
	c := b.must(b.do("zhang.wei", http.MethodPost, "/api/v1/expenses",
		claimBody("客户拜访差旅", "travel", "2026-sales-travel", "260.00")), http.StatusCreated, "submit")
	id := c.str("id")
	c = b.must(b.act("li.na", id, "approve", c.num("revision"), nil), http.StatusOK, "witness")
	b.must(b.act("sun.min", id, "return", c.num("revision"), map[string]any{"comment": "缺少行程单"}), http.StatusOK, "return")

	b.signIn("zhang.wei")
	b.step("open the review results from the 管理 group",
		chromedp.Click(chromedp.CSS("#navg-admin > summary")),
		chromedp.Click(chromedp.CSS("#nav-reviews")),
		chromedp.WaitVisible(chromedp.CSS("#review-refusals")),
	)
	if got := b.text("#review-refusals tbody"); !strings.Contains(got, "缺少行程单") || !strings.Contains(got, id) {
		t.Errorf("the refusals table: %q", got)
	}
	if got := b.text("#reviews-sales"); !strings.Contains(got, "销售部") || !strings.Contains(got, "260.00") {
		t.Errorf("the sales row: %q", got)
	}
	if n := b.count("#nav-audit"); n != 0 {
		t.Error("a salesman is offered the audit log")
	}
	b.shot("review-results")
	b.signOut()

	b.signIn("tang.ning")
	b.step("open the audit log and ask for sign-ins",
		chromedp.Click(chromedp.CSS("#navg-admin > summary")),
		chromedp.Click(chromedp.CSS("#nav-audit")),
		chromedp.WaitVisible(chromedp.CSS("#audit-filter")),
		choose("#kind", "sign_in"),
		chromedp.SendKeys(chromedp.CSS("#actor"), "zhang.wei"),
		chromedp.Click(chromedp.CSS("#audit-filter button[type=submit]")),
		// The unfiltered page may list sign-ins already: wait for the page the filter answered,
		// whose actor field the server filled in (typing sets the property, not the attribute).
		chromedp.WaitReady(chromedp.CSS(`html[data-ready] #actor[value="zhang.wei"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#audit-entries tr[data-kind="sign_in"]`)),
	)
	if got := b.text("#audit-entries tbody"); !strings.Contains(got, "张伟") || !strings.Contains(got, "web") {
		t.Errorf("the audit log's sign-ins of zhang.wei: %q", got)
	}
	b.shot("audit-log")
}
