package e2e_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"signoff/testkit"
)

// TestBrowserVoucherOfAPaidClaim: the submitter of a paid claim downloads its voucher from the
// case page, with their browser session, and gets the PDF of the paper form with every signer's
// seal; the PNG of its first page is saved beside the screenshots.
func TestBrowserVoucherOfAPaidClaim(t *testing.T) {
	b := newBrowserApp(t, desktopW, desktopH)
	c := b.must(b.do("zhang.wei", http.MethodPost, "/api/v1/expenses",
		claimBody("11 月 3 日至 5 日赴上海拜访客户", "travel", "2026-sales-travel", "1200.00", "350.50")), 201, "submit")
	id := c.str("id")
	for _, step := range []struct{ user, action string }{
		{"li.na", "approve"}, {"sun.min", "approve"}, {"wang.fang", "approve"}, {"wu.xia", "pay"},
	} {
		var extra map[string]any
		if step.action == "pay" {
			extra = payment(id)
		} else {
			extra = map[string]any{"comment": step.user + " 意见：同意"}
		}
		c = b.must(b.act(step.user, id, step.action, c.num("revision"), extra), 200, step.user+" "+step.action)
	}
	if c.str("status") != "paid" {
		t.Fatalf("case is %q, want paid", c.str("status"))
	}

	b.signIn("zhang.wei")
	var href, got, paidAt string
	b.step("open the paid case and download its voucher",
		chromedp.Navigate(b.url("/cases/"+id)),
		chromedp.WaitVisible(chromedp.CSS("#voucher-link")),
		testkit.Into(&href, testkit.Attr(chromedp.CSS("#voucher-link"), "href")),
		testkit.Into(&paidAt, chromedp.Text(chromedp.CSS("#timeline > li:last-child time"))),
	)
	b.shot("case-with-voucher-link")
	if strings.TrimSpace(paidAt) == "" {
		t.Fatal("the case page shows no time for the payment")
	}
	if want := "/cases/" + id + "/voucher.pdf"; href != want {
		t.Fatalf("voucher link = %q, want %q", href, want)
	}
	// The link is fetched as the page would follow it: same origin, with the session cookie.
	b.step("fetch the voucher with the session", testkit.Into(&got, chromedp.Evaluate[string](fmt.Sprintf(`(async () => {
		const r = await fetch(%q, {credentials: "same-origin"});
		const bytes = new Uint8Array(await r.arrayBuffer());
		let s = "";
		for (const x of bytes) s += String.fromCharCode(x);
		return JSON.stringify({status: r.status, type: r.headers.get("content-type"),
			disposition: r.headers.get("content-disposition"), body: btoa(s)});
	})()`, href), chromedp.EvalAwaitPromise)))
	var dl struct {
		Status            int
		Type, Disposition string
		Body              []byte // base64, as encoding/json reads it
	}
	if err := json.Unmarshal([]byte(got), &dl); err != nil || dl.Status != http.StatusOK || dl.Type != "application/pdf" {
		t.Fatalf("voucher download answered %.300q (%v)", got, err)
	}
	if !strings.HasPrefix(dl.Disposition, "attachment") || !strings.Contains(dl.Disposition, id+"-voucher.pdf") {
		t.Errorf("voucher Content-Disposition = %q", dl.Disposition)
	}
	pdf := dl.Body
	text := strings.Join(strings.Fields(testkit.PDFText(t, pdf)), "")
	for _, want := range []string{"费用报销单", id, "壹仟伍佰伍拾元伍角整", "BANK-" + id, "明细1", "INV-2",
		"经办人", "证明人", "验收人", "审核人", "审批人", "出纳",
		"张伟", "李娜", "孙敏", "王芳", "吴霞", "li.na意见：同意", "付款", "/api/v1/cases/" + id + "/verify",
		// The voucher's times are the page's: the company's time zone, not the server's.
		strings.Join(strings.Fields(paidAt), "")} {
		if !strings.Contains(text, want) {
			t.Errorf("voucher lacks %q:\n%s", want, text)
		}
	}
	t.Logf("voucher page 1: %s", testkit.PDFPageScreenshot(t, pdf, "voucher-page-1"))

	// Someone who may not see the case cannot print it either.
	if r := b.do("huang.lei", http.MethodGet, "/api/v1/cases/"+id+"/voucher.pdf", nil); r.status != http.StatusNotFound {
		t.Errorf("a stranger's voucher download answered %d, want 404", r.status)
	}
}
