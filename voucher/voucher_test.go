package voucher_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"signoff/i18n"
	"signoff/testkit"
	"signoff/voucher"
)

// paidClaim is a paid travel claim as the service fills it: every box but the receiver's
// signed, one seal on someone's behalf, a return and a resubmission on the way.
func paidClaim() voucher.Sheet {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 3, h, m, 0, 0, time.UTC) }
	paid := at(16, 40)
	box := func(label, name, behalf, decision string, t time.Time) voucher.Box {
		return voucher.Box{Label: label, Signed: name != "", Name: name, OnBehalfOf: behalf, Decision: decision, At: t}
	}
	return voucher.Sheet{
		Lang: i18n.ZH, Title: "费用报销单", CaseID: "EXP-2026-000123", Status: "已付款",
		Purpose: "赴上海参加客户项目启动会的差旅费用", Category: "差旅费", Department: "销售部",
		BudgetLine: "2026 销售差旅", Submitter: "王芳", Amount: "1234.50", Currency: "CNY", PolicyVersion: 3,
		SubmittedAt: at(9, 5), PaidAt: &paid, PaidReference: "BANK-7781",
		Lines: []voucher.Line{
			{No: 1, Date: "2026-10-28", Description: "高铁 北京南—上海虹桥 二等座", InvoiceNo: "24110000001", Amount: "553.00"},
			{No: 2, Date: "2026-10-29", Description: "酒店住宿两晚（协议价），含早餐；超出标准部分已自付", InvoiceNo: "24110000002", Amount: "681.50"},
		},
		Attachments: []voucher.Attachment{
			{Filename: "高铁票.pdf", Size: 48213, SHA256: strings.Repeat("ab12", 16)},
			{Filename: "hotel-invoice.jpg", Size: 231877, SHA256: strings.Repeat("9f0e", 16)},
		},
		Boxes: []voucher.Box{
			box("经办人", "王芳", "", "重新提交", at(11, 0)),
			box("证明人", "李强", "", "同意", at(11, 30)),
			box("验收人", "", "", "", time.Time{}),
			box("审核人", "赵敏", "", "同意", at(14, 2)),
			box("审批人", "陈刚", "刘洋", "同意", at(15, 10)),
			box("出纳", "孙丽", "", "付款", paid),
		},
		Seals: []voucher.Seal{
			{Seq: 1, Role: "经办人", Name: "王芳", Decision: "提交", At: at(9, 5)},
			{Seq: 2, Role: "证明人", Name: "李强", Decision: "同意", At: at(9, 40)},
			{Seq: 3, Role: "审核人", Name: "赵敏", Decision: "退回", Comment: "酒店发票抬头有误，请重开后重新提交", At: at(10, 15)},
			{Seq: 4, Role: "经办人", Name: "王芳", Decision: "重新提交", Comment: "已附重开的发票", At: at(11, 0)},
			{Seq: 5, Role: "证明人", Name: "李强", Decision: "同意", At: at(11, 30)},
			{Seq: 6, Role: "审核人", Name: "赵敏", Decision: "同意", At: at(14, 2)},
			{Seq: 7, Role: "审批人", Name: "陈刚", OnBehalfOf: "刘洋", Decision: "同意", At: at(15, 10)},
			{Seq: 8, Role: "出纳", Name: "孙丽", Decision: "付款", Comment: "网银转账", At: paid},
		},
		VerifyURL: "https://signoff.example.com/api/v1/cases/EXP-2026-000123/verify",
		PrintedAt: at(17, 0),
	}
}

func TestRenderPrintsEverySealAndTheFacts(t *testing.T) {
	s := paidClaim()
	pdf, err := voucher.Render(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(16, len(pdf))])
	}
	// The font is subset: a voucher is small although the embedded font is 4.6 MB.
	if len(pdf) > 1<<20 {
		t.Errorf("voucher is %d bytes: the font was not subset", len(pdf))
	}
	text := testkit.PDFText(t, pdf)
	want := []string{"费用报销单", "EXP-2026-000123", s.Purpose, "壹仟贰佰叁拾肆元伍角整", "BANK-7781",
		"高铁票.pdf", s.Attachments[0].SHA256, "六联章", "酒店发票抬头有误", "代 刘洋", "网银转账",
		"尚无：签章台账尚未记录哈希链", s.VerifyURL}
	for _, x := range s.Seals {
		want = append(want, x.Name, x.Role, x.Decision)
	}
	for _, b := range s.Boxes {
		want = append(want, b.Label)
	}
	flat := strings.Join(strings.Fields(text), "")
	for _, w := range want {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), "")) {
			t.Errorf("voucher text lacks %q", w)
		}
	}
	t.Logf("page 1: %s", testkit.PDFPageScreenshot(t, pdf, "voucher-page-1"))
}

func TestRenderPrintsTheChainHashWhenTheLedgerHasOne(t *testing.T) {
	s := paidClaim()
	s.ChainHash = strings.Repeat("0123456789abcdef", 4)
	pdf, err := voucher.Render(s)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(testkit.PDFText(t, pdf)), "")
	if !strings.Contains(text, s.ChainHash) || strings.Contains(text, "尚无") {
		t.Errorf("chain hash not printed, or printed as missing:\n%s", text)
	}
}

func TestRenderBreaksLongLedgersOntoMorePages(t *testing.T) {
	s := paidClaim()
	for i := range 60 {
		s.Seals = append(s.Seals, voucher.Seal{Seq: 9 + i, Role: "审核人", Name: "赵敏", Decision: "评论", Comment: "补充说明", At: s.PrintedAt})
	}
	pdf, err := voucher.Render(s)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(testkit.PDFText(t, pdf)), "")
	if !strings.Contains(text, "第2页") || !strings.Contains(text, "68审核人赵敏") {
		t.Errorf("a long ledger did not go on to page 2:\n%s", text)
	}
}

func TestRenderKeepsEveryCharacterOfAWrappedComment(t *testing.T) {
	s := paidClaim()
	long := "酒店发票抬头有误，请重开后重新提交；另请补充会议通知的扫描件，并说明第二晚住宿的原因与审批情况"
	s.Seals[2].Comment = long
	pdf, err := voucher.Render(s)
	if err != nil {
		t.Fatal(err)
	}
	// pdftotext -layout puts the wrapped lines of the comment column under each other; the
	// characters in order, with the other columns' text removed, must be the whole comment.
	var got strings.Builder
	for _, line := range strings.Split(testkit.PDFText(t, pdf), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && strings.ContainsAny(f[len(f)-1], "酒店另请并说明审批情况") {
			got.WriteString(f[len(f)-1])
		}
	}
	if !strings.Contains(got.String(), long) {
		t.Errorf("wrapped comment reads %q, want %q", got.String(), long)
	}
}

// BenchmarkRender is the cost of one voucher, the font's parsing and subsetting included.
func BenchmarkRender(b *testing.B) {
	s := paidClaim()
	for b.Loop() {
		if _, err := voucher.Render(s); err != nil {
			b.Fatal(err)
		}
	}
}
