package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"signoff/demo"
	"signoff/testkit"
)

// Procurement in the browser: a purchase request filled in the form, signed, countersigned by
// every department head (one of them refusing first), ordered, received by the keeper on the
// order page and sealed by an accountant.

// contractPDF writes a small real PDF to upload as the contract document.
func contractPDF(t *testing.T) string {
	t.Helper()
	const pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
		"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	path := filepath.Join(t.TempDir(), "采购合同.pdf")
	if err := os.WriteFile(path, []byte(pdf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// seedProcurement loads the demo suppliers, materials, plans and stock.
func (a *app) seedProcurement() {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := demo.SeedProcurement(ctx, a.stack.Store); err != nil {
		a.t.Fatal(err)
	}
}

// upload stores a file as the user's attachment through the API and returns its ID.
func (a *app) upload(user, path string) string {
	a.t.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		a.t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", filepath.Base(path))
	if err != nil {
		a.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.srv.URL+"/api/v1/attachments", &body)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+a.token(user))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated {
		a.t.Fatalf("upload %s: %d %v", path, resp.StatusCode, err)
	}
	return out.ID
}

// until reloads a page until a selector is on it: for what a workflow does after the action
// that caused it (an order issued once the countersign completes, a line accepted once sealed).
func (b *browserApp) until(what, path, sel string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		b.step("open "+path, chromedp.Navigate(b.url(path)), chromedp.WaitVisible(chromedp.CSS("#main")))
		if b.count(sel) > 0 {
			return
		}
		if time.Now().After(deadline) {
			b.shot("timeout-" + what)
			b.t.Fatalf("%s: %s never showed %s", what, path, sel)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitText waits, in the page, until an element's text contains want: for what the page's script
// updates after a fetch (the live route preview).
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return testkit.Discard(chromedp.Evaluate[bool](fmt.Sprintf(`new Promise(resolve => {
		const check = () => {
			const el = document.querySelector(%q);
			if (el && el.textContent.includes(%q)) { resolve(true); return; }
			setTimeout(check, 50);
		};
		check();
	})`, sel, want), chromedp.EvalAwaitPromise))
}

// countersign has a department head agree on the case page, where the countersign panel shows
// who agreed so far.
func (b *browserApp) countersign(user, caseID, opinion string) {
	b.t.Helper()
	b.signIn(user)
	b.step(user+" opens the countersign",
		chromedp.Navigate(b.url("/cases/"+caseID)),
		chromedp.WaitVisible(chromedp.CSS("#countersign")),
		chromedp.SendKeys(chromedp.CSS("#act-approve-comment"), opinion),
	)
	b.shot("countersign-" + user)
	b.step(user+" agrees",
		chromedp.Click(chromedp.CSS("#act-approve-button")),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	b.signOut()
}

// TestBrowserProcurementThroughReceipt is procurement as people do it: the engineer fills the
// purchase form with two items and the contract, sees the countersign in the route preview and
// submits; the reviewer and the two approvers sign from their inboxes; audit refuses the
// contract, the engineer revises it, which the reviewer and the approvers sealed, so they sign
// again; the four department heads agree on the countersign page;
// the keeper receives everything on the order page and seals; an accountant seals the receipt;
// the order shows the lines accepted and every seal of the purchase.
func TestBrowserProcurementThroughReceipt(t *testing.T) {
	b := newBrowserApp(t, desktopW, desktopH)
	b.seedProcurement()
	b.signIn("huang.lei")

	b.step("fill the purchase form",
		testkit.Nav("#nav-purchase"),
		chromedp.WaitVisible(chromedp.CSS("#claim-form")),
		chromedp.SendKeys(chromedp.CSS("#purpose"), "研发测试平台扩容"),
		choose("#category", "equipment"),
		choose("#budget_line_id", "2026-eng-equipment"),
		choose("#supplier_id", "SUP-HUAXIN"),
		choose("#plan_id", "PLAN-2026-ENG"),
		chromedp.SetValue(chromedp.CSS("#delivery_date"), time.Now().AddDate(0, 0, 30).Format(time.DateOnly)),
		choose("#line-0-material_id", "MAT-LAPTOP"),
		chromedp.SendKeys(chromedp.CSS("#line-0-quantity"), "2"),
		chromedp.SendKeys(chromedp.CSS("#line-0-unit_price"), "8000.00"),
		choose("#line-1-material_id", "MAT-MONITOR"),
		chromedp.SendKeys(chromedp.CSS("#line-1-quantity"), "3"),
		chromedp.SendKeys(chromedp.CSS("#line-1-unit_price"), "1500.00"),
		chromedp.SendKeys(chromedp.CSS("#contract_no"), "HT-2026-088"),
		chromedp.SendKeys(chromedp.CSS("#payment_terms"), "验收合格后30日内付款"),
		chromedp.SendKeys(chromedp.CSS("#delivery_terms"), "送货上门"),
		chromedp.SendKeys(chromedp.CSS("#warranty"), "三年"),
		chromedp.SetUploadFiles(chromedp.CSS("#contract_file"), []string{contractPDF(t)}),
	)
	b.step("wait for the route preview of the whole request",
		waitText("#purchase-total", "¥20,500.00"),
		chromedp.WaitVisible(chromedp.CSS("#route-steps .route-countersign")),
	)
	if got := b.text("#purchase-total"); got != "¥20,500.00" {
		t.Errorf("live total = %q, want ¥20,500.00", got)
	}
	route := b.text("#route-steps")
	for _, who := range []string{"孙敏", "陈刚", "钱丽", "林峰", "马兰", "合同会签"} {
		if !strings.Contains(route, who) {
			t.Errorf("route preview %q does not name %s", route, who)
		}
	}
	cs := b.text("#route-steps .route-countersign")
	for _, head := range []string{"林峰", "马兰", "钱丽", "陈刚", "全部"} {
		if !strings.Contains(cs, head) {
			t.Errorf("countersign step = %q, lacks %s", cs, head)
		}
	}
	b.shot("purchase-form-with-preview")

	var caseURL string
	b.step("submit the request",
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#purchase-info")),
		testkit.Into(&caseURL, chromedp.Location()),
	)
	caseID := caseURL[strings.LastIndex(caseURL, "/")+1:]
	caseID, _, _ = strings.Cut(caseID, "?")
	if !strings.HasPrefix(caseID, "PR-") {
		t.Fatalf("after submitting, the browser is at %s", caseURL)
	}
	if info := b.text("#purchase-info"); !strings.Contains(info, "华信电子") || !strings.Contains(info, "¥20,500.00") {
		t.Errorf("采购信息 = %q", info)
	}
	if n := b.count("#contract-link"); n != 1 {
		t.Error("the case page does not link the contract document")
	}
	b.shot("purchase-submitted")
	b.signOut()

	b.signFromInbox("sun.min", caseID, "符合年度采购计划")
	b.signFromInbox("chen.gang", caseID, "同意")
	b.signFromInbox("qian.li", caseID, "同意")

	// Legal agrees; audit refuses the contract, which returns it to the engineer.
	b.countersign("lin.feng", caseID, "法务审核无异议")
	b.signIn("ma.lan")
	b.step("audit refuses the contract",
		chromedp.Navigate(b.url("/cases/"+caseID)),
		chromedp.WaitVisible(chromedp.CSS("#countersign")),
	)
	if panel := b.text("#countersign"); !strings.Contains(panel, "林峰") || !strings.Contains(panel, "已同意") || !strings.Contains(panel, "待会签") {
		t.Errorf("countersign panel = %q, want 林峰 agreed and the others waiting", panel)
	}
	if got := b.text("#act-reject-open"); got != "驳回修改" {
		t.Errorf("the countersign's reject button reads %q", got)
	}
	b.shot("countersign-panel")
	b.step("refuse with a reason",
		chromedp.Click(chromedp.CSS("#act-reject-open")),
		chromedp.WaitVisible(chromedp.CSS("#act-reject-comment")),
		chromedp.SendKeys(chromedp.CSS("#act-reject-comment"), "缺少违约责任条款"),
		chromedp.Click(chromedp.CSS("#act-reject-button")),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	if got := b.text("#case-status"); got != "已退回" {
		t.Errorf("after audit's refusal the status is %q, want 已退回", got)
	}
	b.signOut()

	b.signIn("huang.lei")
	b.step("the engineer opens the revision form",
		chromedp.Navigate(b.url("/cases/"+caseID)),
		chromedp.Click(chromedp.CSS("#act-edit-resubmit")),
		chromedp.WaitVisible(chromedp.CSS("#claim-form")),
		chromedp.WaitVisible(chromedp.CSS("#contract-existing")),
	)
	var qty, supplier string
	b.step("read the prefilled form",
		testkit.Into(&qty, chromedp.Value(chromedp.CSS("#line-1-quantity"))),
		testkit.Into(&supplier, chromedp.Value(chromedp.CSS("#supplier_id"))),
	)
	if qty != "3" || supplier != "SUP-HUAXIN" {
		t.Errorf("revision form: line 2 quantity %q, supplier %q", qty, supplier)
	}
	b.shot("purchase-revision-form")
	b.step("add the penalty clause and resubmit",
		clearField("#payment_terms"),
		chromedp.SendKeys(chromedp.CSS("#payment_terms"), "验收合格后30日内付款，逾期按日万分之五支付违约金"),
		chromedp.SendKeys(chromedp.CSS("#comment"), "已补充违约责任条款"),
		chromedp.Click(chromedp.CSS("#submit")),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	if got := b.text("#purchase-info"); !strings.Contains(got, "违约金") {
		t.Errorf("the revised terms are not on the case: %q", got)
	}
	if n := b.count("#contract-link"); n != 1 {
		t.Error("the revision lost the contract document")
	}
	b.signOut()

	// The revised terms change what the reviewer and the approvers sealed: they sign again.
	b.signFromInbox("sun.min", caseID, "条款已补充")
	b.signFromInbox("chen.gang", caseID, "同意")
	b.signFromInbox("qian.li", caseID, "同意")

	for _, head := range []string{"lin.feng", "ma.lan", "qian.li", "chen.gang"} {
		b.countersign(head, caseID, "同意")
	}

	b.signIn("huang.lei")
	b.until("order issued", "/cases/"+caseID, "#order-link")
	var orderHref string
	b.step("read the order link", testkit.Into(&orderHref, testkit.Attr(chromedp.CSS("#order-link"), "href")))
	order := strings.TrimPrefix(orderHref, "/orders/")
	if !strings.HasPrefix(order, "PO-") {
		t.Fatalf("order link %q", orderHref)
	}
	if got := b.text("#case-status"); got != "已通过" {
		t.Errorf("request status = %q, want 已通过", got)
	}
	b.shot("purchase-approved-with-order")
	b.signOut()

	// The keeper receives everything and seals at once.
	b.signIn("he.ping")
	b.step("the keeper opens the order from the order list",
		testkit.Nav("#nav-orders"),
		chromedp.WaitVisible(chromedp.CSS("#order-list")),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#order-list a[href="/orders/%s"]`, order))),
		chromedp.WaitVisible(chromedp.CSS("#receive-form")),
	)
	var sealed bool
	b.step("fill the receiving form",
		chromedp.SendKeys(chromedp.CSS("#note_no"), "SH-2026-001"),
		chromedp.SendKeys(chromedp.CSS("#invoice_no"), "FP-2026-7788"),
		chromedp.SendKeys(chromedp.CSS("#recv-0-quantity"), "2"),
		chromedp.SendKeys(chromedp.CSS("#recv-0-note_quantity"), "2"),
		chromedp.SendKeys(chromedp.CSS("#recv-0-manufacturer"), "华信电子"),
		chromedp.SendKeys(chromedp.CSS("#recv-0-batch"), "B2026-11"),
		chromedp.SendKeys(chromedp.CSS("#recv-1-quantity"), "3"),
		chromedp.SendKeys(chromedp.CSS("#recv-1-note_quantity"), "3"),
		chromedp.SendKeys(chromedp.CSS("#recv-1-manufacturer"), "华信电子"),
		chromedp.SendKeys(chromedp.CSS("#recv-1-batch"), "B2026-12"),
		testkit.Into(&sealed, chromedp.Evaluate[bool](`document.getElementById("seal").checked`)),
	)
	if !sealed {
		t.Error("验收并盖章 is not checked by default")
	}
	b.shot("receiving-form")
	b.step("register the delivery",
		chromedp.Click(chromedp.CSS("#receive-submit")),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	if flash := b.text("#flash"); !strings.Contains(flash, "2 行合格，0 行拒收") || !strings.Contains(flash, "GR-") {
		t.Errorf("flash after receiving = %q", flash)
	}
	if n := b.count("#receive-form"); n != 0 {
		t.Error("the receiving form is still offered with everything delivered")
	}
	var receiptHref string
	b.step("read the receipt link", testkit.Into(&receiptHref, testkit.Attr(chromedp.CSS("#deliveries .receipt-link"), "href")))
	receipt := strings.TrimPrefix(receiptHref, "/cases/")
	b.shot("order-received")
	b.signOut()

	// An accountant puts the second seal on the receipt.
	b.signIn("zhou.jie")
	b.step("the accountant opens the receipt",
		chromedp.Navigate(b.url("/cases/"+receipt)),
		chromedp.WaitVisible(chromedp.CSS("#receipt-info")),
	)
	if lines := b.text("#receipt-lines"); !strings.Contains(lines, "B2026-11") || !strings.Contains(lines, "合格") {
		t.Errorf("验收明细 = %q", lines)
	}
	if cur := b.text(".current-step"); !strings.Contains(cur, "会计复核") {
		t.Errorf("the receipt waits at %q, want the accountant's step after the keeper's seal", cur)
	}
	b.shot("receipt-case")
	b.step("seal the receipt",
		chromedp.Click(chromedp.CSS("#act-approve-button")),
		chromedp.WaitVisible(chromedp.CSS("#flash")),
	)
	b.until("order received", "/orders/"+order, "#order-status.order-received")
	for i, want := range []string{"2", "3"} {
		got := b.text(fmt.Sprintf("#order-line-%d .line-accepted", i+1))
		if got != want {
			t.Errorf("line %d accepted %q, want %s", i+1, got, want)
		}
	}
	timeline := b.text("#order-timeline")
	for _, want := range []string{"黄磊", "孙敏", "陈刚", "钱丽", "林峰", "马兰", "缺少违约责任条款", "何平", "周杰", caseID, receipt} {
		if !strings.Contains(timeline, want) {
			t.Errorf("order timeline lacks %q", want)
		}
	}
	b.shot("order-timeline")
}

// TestBrowserProcurementPhoneWidth: the purchase form and the order page fit a phone's screen.
func TestBrowserProcurementPhoneWidth(t *testing.T) {
	b := newBrowserApp(t, phoneW, phoneH)
	b.seedProcurement()
	fits := func(page string) {
		t.Helper()
		var overflow bool
		b.step("measure "+page, testkit.Into(&overflow, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)))
		if overflow {
			t.Errorf("%s is wider than a %dpx phone screen", page, phoneW)
		}
		b.shot("phone-" + page)
	}
	b.signIn("huang.lei")
	b.step("purchase form", chromedp.Navigate(b.url("/purchases/new")), chromedp.WaitVisible(chromedp.CSS("#claim-form")),
		choose("#supplier_id", "SUP-HUAXIN"), choose("#line-0-material_id", "MAT-SERVO"))
	fits("purchase-form")
	b.signOut()

	// An order through the API, to look at on the keeper's phone.
	up := b.upload("huang.lei", contractPDF(t))
	pr := b.must(b.do("huang.lei", "POST", "/api/v1/purchase-requests", map[string]any{
		"purpose": "研发测试平台扩容", "category": "equipment", "budget_line_id": "2026-eng-equipment",
		"supplier_id": "SUP-HUAXIN", "plan_id": "PLAN-2026-ENG", "delivery_date": time.Now().AddDate(0, 0, 30).Format(time.DateOnly),
		"items":    []any{map[string]any{"material_id": "MAT-LAPTOP", "quantity": "1", "unit_price": "4000.00"}},
		"contract": map[string]any{"no": "HT-1", "payment_terms": "月结", "attachment_id": up},
	}), 201, "purchase request")
	id := pr.str("id")
	for _, u := range []string{"zhou.jie", "chen.gang", "lin.feng", "ma.lan", "qian.li", "chen.gang"} {
		c := b.must(b.do(u, "GET", "/api/v1/cases/"+id, nil), 200, "case")
		b.must(b.act(u, id, "approve", c.num("revision"), nil), 200, u+" approves")
	}
	b.signIn("he.ping")
	b.until("order listed", "/orders", "#order-list a")
	b.step("order page", chromedp.Click(chromedp.CSS("#order-list a")), chromedp.WaitVisible(chromedp.CSS("#receive-form")))
	fits("order")
}
