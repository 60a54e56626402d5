package gateway

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"signoff/archive"
	"signoff/config"
	"signoff/gateway/door"
	"signoff/service"
	"signoff/testkit"
)

// TestVoucherOfAPaidClaim: the voucher of a paid claim whose witness signed through a delegate
// prints every signer, the delegate's seal on behalf of the witness in the witness's box, and
// the verify link; it is a download for whoever may see the case, and hidden like the case from
// anyone else.
func TestVoucherOfAPaidClaim(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("300.00", "45.50"))
	id := c.str("id")
	now := time.Now().UTC()
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/delegations", User: "li.na", Body: map[string]any{
		"delegate_id": "zheng.yu", "valid_from": now.Add(-time.Minute).Format(time.RFC3339), "valid_to": now.Add(24 * time.Hour).Format(time.RFC3339),
	}}), http.StatusCreated, "")
	c = h.must(h.act("zheng.yu", id, "approve", map[string]any{"revision": c.num("revision"), "on_behalf_of": "li.na",
		"comment": "出差属实"}), http.StatusOK, "")
	c = h.must(h.act("sun.min", id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
	c = h.must(h.act("wang.fang", id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
	c = h.must(h.act("wu.xia", id, "pay", map[string]any{"revision": c.num("revision"), "reference": "BANK-V-1",
		"paid_at": now.Format(time.RFC3339)}), http.StatusOK, "")
	if c.str("status") != "paid" {
		t.Fatalf("case is %q, want paid", c.str("status"))
	}

	path := "/api/v1/cases/" + id + "/voucher.pdf"
	r := h.must(get(h, "zhang.wei", path), http.StatusOK, "")
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, id+"-voucher.pdf") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	checkFileHeaders(t, "voucher", r.Header, door.Attachment)
	if !bytes.HasPrefix(r.Raw, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", r.Raw)
	}
	text := strings.Join(strings.Fields(testkit.PDFText(t, r.Raw)), "")
	for _, want := range []string{"费用报销单", id, "345.50", "叁佰肆拾伍元伍角整", "BANK-V-1",
		"张伟", "郑宇", "代李娜", "出差属实", "孙敏", "王芳", "吴霞", "/api/v1/cases/" + id + "/verify"} {
		if !strings.Contains(text, want) {
			t.Errorf("voucher lacks %q:\n%s", want, text)
		}
	}
	t.Logf("voucher page 1: %s", testkit.PDFPageScreenshot(t, r.Raw, "voucher-page-1"))

	// A reviewer sees every case, so prints it; a stranger gets the case's 404, and no one
	// signed out prints anything.
	h.must(get(h, "zhou.jie", path), http.StatusOK, "")
	h.must(get(h, "xu.jing", path), http.StatusNotFound, "not_found")
	h.must(get(h, "xu.jing", "/api/v1/cases/EXP-2026-999999/voucher.pdf"), http.StatusNotFound, "not_found")
	h.must(h.do(call{Method: http.MethodGet, Path: path}), http.StatusUnauthorized, "")
}

// TestArchiveOfAPaidClaim: the closed case's archive package is written once (by its workflow at
// close), verifies offline with nothing but its bytes, and fails to after one byte of its voucher
// changes.
func TestArchiveOfAPaidClaim(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("88.00"))
	id := c.str("id")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	svc, err := service.New(service.Deps{Store: h.stack.Store, Policies: h.stack.Policies, Temporal: h.stack.Client,
		SigningKeys: h.stack.SigningKeys, TemporalConfig: config.TemporalConfig{TaskQueue: h.stack.TaskQueue}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ArchiveCase(ctx, id); !errors.Is(err, service.ErrCaseOpen) {
		t.Fatalf("archiving an open case: %v, want ErrCaseOpen", err)
	}
	for _, u := range []string{"li.na", "sun.min", "wang.fang"} {
		c = h.must(h.act(u, id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
	}
	h.must(h.act("wu.xia", id, "pay", map[string]any{"revision": c.num("revision"), "reference": "BANK-A-1",
		"paid_at": time.Now().UTC().Format(time.RFC3339)}), http.StatusOK, "")

	// The workflow ends once it has archived the case.
	if err := h.stack.Client.GetWorkflow(ctx, id, "").Get(ctx, nil); err != nil {
		t.Fatalf("workflow of %s: %v", id, err)
	}
	if written, err := svc.ArchiveCase(ctx, id); err != nil || written {
		t.Fatalf("second archive: written=%v err=%v, want the first kept", written, err)
	}
	kept, err := h.stack.Store.Archives(ctx, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(kept) != 1 || kept[0].CaseID != id {
		t.Fatalf("archives = %d, %v", len(kept), err)
	}
	pkg := kept[0].Package
	m, err := archive.Verify(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if m.CaseID != id || len(m.Files) != 1 || m.Files[0].Path != archive.VoucherName || !strings.Contains(string(m.Seals), `"paid"`) ||
		!strings.Contains(string(m.Facts), `"BANK-A-1"`) || !strings.Contains(string(m.Route), `"reason"`) {
		t.Errorf("manifest = %+v", m)
	}
	i := bytes.Index(pkg, []byte("%PDF-"))
	changed := bytes.Clone(pkg)
	changed[i+1] ^= 0x20
	if _, err := archive.Verify(changed); !errors.Is(err, archive.ErrTampered) {
		t.Errorf("a package with one byte of its voucher changed verifies: %v", err)
	}
}
