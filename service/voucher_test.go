package service

import (
	"testing"
	"time"
)

// TestVoucherBoxesHoldTheSignatureInForce: each seal box of the paper form holds the latest
// signature in its role (after a return, the new one), never a return or a comment, and a role
// the route never reached stays empty.
func TestVoucherBoxesHoldTheSignatureInForce(t *testing.T) {
	at := func(m int) time.Time { return time.Date(2026, 11, 3, 9, m, 0, 0, time.UTC) }
	seal := func(seq int, role, who, decision string) SealView {
		return SealView{Seq: seq, Role: role, Actor: UserRef{ID: who, Name: who}, Decision: decision, At: at(seq)}
	}
	d := CaseDetail{CaseSummary: CaseSummary{ID: "EXP-2026-000001", Kind: "expense", Status: "paid"}, Seals: []SealView{
		seal(1, "handler", "zhang", "submitted"),
		seal(2, "witness", "li", "approved"),
		seal(3, "reviewer", "sun", "returned"),
		seal(4, "handler", "zhang", "resubmitted"),
		seal(5, "witness", "liu", "approved"),
		seal(6, "reviewer", "sun", "commented"),
		seal(7, "reviewer", "zhou", "approved"),
		seal(8, "cashier", "wu", "paid"),
	}}
	sh := voucherSheet(nil, d, "", "/verify", at(9))
	want := []struct {
		label, name string
		seq         int
	}{{"经办人", "zhang", 4}, {"证明人", "liu", 5}, {"验收人", "", 0}, {"审核人", "zhou", 7}, {"审批人", "", 0}, {"出纳", "wu", 8}}
	if len(sh.Boxes) != len(want) {
		t.Fatalf("%d boxes, want %d", len(sh.Boxes), len(want))
	}
	for i, w := range want {
		b := sh.Boxes[i]
		if b.Label != w.label || b.Signed != (w.name != "") || b.Name != w.name || (w.seq > 0 && !b.At.Equal(at(w.seq))) {
			t.Errorf("box %d = %+v, want %s signed by %q (seal %d)", i, b, w.label, w.name, w.seq)
		}
	}
	if len(sh.Seals) != len(d.Seals) || sh.Seals[2].Decision != "退回" || sh.Seals[2].Role != "审核人" {
		t.Errorf("ledger = %+v", sh.Seals)
	}
	if sh.Title != "费用报销单" || sh.Status != "已付款" {
		t.Errorf("title %q, status %q", sh.Title, sh.Status)
	}
}

func TestVerifyURLIsOnThePublicURL(t *testing.T) {
	for base, want := range map[string]string{
		"":                             "/api/v1/cases/EXP-2026-000001/verify",
		"https://signoff.example.com/": "https://signoff.example.com/api/v1/cases/EXP-2026-000001/verify",
	} {
		s := &Service{publicURL: base}
		if got := s.VerifyURL("EXP-2026-000001"); got != want {
			t.Errorf("VerifyURL on %q = %q, want %q", base, got, want)
		}
	}
}
