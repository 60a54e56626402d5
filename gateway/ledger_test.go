package gateway

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestVerifyCaseLedger: the verify route answers auditors (audit.verify: the demo's reviewers)
// with the ledger's report, refuses everyone else before reading anything, and says 404 for a
// case that does not exist.
func TestVerifyCaseLedger(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("1234.50"))
	id, rev := c.str("id"), c.num("revision")
	h.must(h.act("li.na", id, "approve", map[string]any{"revision": rev, "comment": "行程属实"}), http.StatusOK, "")

	rep := h.must(get(h, "sun.min", "/api/v1/cases/"+id+"/verify"), http.StatusOK, "")
	if ok, _ := rep.Body["ok"].(bool); !ok || rep.num("seals") != 2 || rep.str("head") == "" || len(rep.str("digest")) != 64 {
		t.Errorf("verify = %s, want a sound ledger of 2 seals", rep.Raw)
	}
	h.must(get(h, "zhang.wei", "/api/v1/cases/"+id+"/verify"), http.StatusForbidden, "capability_required")
	h.must(get(h, "sun.min", "/api/v1/cases/EXP-1999-000001/verify"), http.StatusNotFound, "not_found")
}

// TestResubmissionReopensWhatTheEditInvalidates: the reviewer returns a claim the witness has
// sealed; a resubmission changing an amount sends it back to the witness, whose step says why,
// and the ledger still verifies; a resubmission that only comments keeps the witness's seal.
func TestResubmissionReopensWhatTheEditInvalidates(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	reworded := claimBody("1234.50")
	reworded["purpose"] = "客户拜访差旅（两家客户）"
	for _, tc := range []struct {
		name   string
		edits  map[string]any
		resume string
	}{
		{"changed amount", claimBody("1300.00"), "witness"},
		{"comment only", nil, "review"},
		// The witness's seal covers the amount, the lines and the receipts, not the wording.
		{"reworded purpose", reworded, "review"},
	} {
		c := h.submit("zhang.wei", claimBody("1234.50"))
		id := c.str("id")
		w := h.must(h.act("li.na", id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
		r := h.must(h.act("sun.min", id, "return", map[string]any{"revision": w.num("revision"), "comment": "请核对金额"}), http.StatusOK, "")
		body := map[string]any{"revision": r.num("revision"), "comment": "已核对"}
		if tc.edits != nil {
			delete(tc.edits, "budget_line_id")
			body["edits"] = tc.edits
			// The preview says beforehand what the resubmission will re-open, and writes nothing.
			before := h.written()
			preview := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/cases/" + id + "/resubmission-preview",
				User: "zhang.wei", Body: body}), http.StatusOK, "")
			steps, _ := preview.Body["steps"].([]any)
			var keys []string
			for _, s := range steps {
				st := s.(map[string]any)
				keys = append(keys, st["key"].(string))
				if signers, _ := st["signers"].([]any); len(signers) != 1 || signers[0].(map[string]any)["id"] != "li.na" {
					t.Errorf("%s: the step to sign again names its signers %v, want li.na", tc.name, st["signers"])
				}
			}
			if want := tc.resume == "witness"; slices.Contains(keys, "witness") != want || len(keys) > 1 {
				t.Errorf("%s: the preview says %v sign again", tc.name, keys)
			}
			if after := h.written(); after != before {
				t.Errorf("%s: the preview wrote: %+v → %+v", tc.name, before, after)
			}
			h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/cases/" + id + "/resubmission-preview",
				User: "li.na", Body: body}), http.StatusConflict, "not_allowed_now")
		}
		done := h.must(h.act("zhang.wei", id, "resubmit", body), http.StatusOK, "")
		if got := done.str("current_step"); got != tc.resume {
			t.Errorf("%s: resubmission resumes at %q, want %q", tc.name, got, tc.resume)
		}
		steps, _ := done.Body["steps"].([]any)
		witness, _ := steps[0].(map[string]any)
		reopened := strings.Contains(witness["reason"].(string), "signs again")
		if reopened != (tc.resume == "witness") {
			t.Errorf("%s: the witness step says %q", tc.name, witness["reason"])
		}
		if tc.edits != nil {
			h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/cases/" + id + "/resubmission-preview",
				User: "zhang.wei", Body: body}), http.StatusConflict, "not_allowed_now")
		}
		if rep := h.must(get(h, "sun.min", "/api/v1/cases/"+id+"/verify"), http.StatusOK, ""); rep.Body["ok"] != true {
			t.Errorf("%s: ledger after the resubmission: %s", tc.name, rep.Raw)
		}
	}
}

// TestCorrectionFormSaysWhoSignsAgain: the correction form of a returned claim says, as it is
// typed, which signed steps the resubmission would send back: none for the claim as it stands
// or a reworded purpose, the witness (by name) once an amount changes.
func TestCorrectionFormSaysWhoSignsAgain(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.submit("zhang.wei", claimBody("1234.50"))
	id := c.str("id")
	w := h.must(h.act("li.na", id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
	r := h.must(h.act("sun.min", id, "return", map[string]any{"revision": w.num("revision"), "comment": "请核对金额"}), http.StatusOK, "")

	b := h.browser()
	b.signIn("zhang.wei")
	page := b.get("/cases/" + id + "/resubmit")
	if page.Status != http.StatusOK {
		t.Fatalf("the correction form: %d", page.Status)
	}
	if n := byID(page.Doc, "preview-resign"); n == nil || !strings.Contains(textOf(n), "无需重签") {
		t.Fatalf("the unchanged correction does not say that no step signs again: %v", n)
	}
	typed := func(purpose, amount string) url.Values {
		return url.Values{"_csrf": {inputValue(page.Doc, "_csrf")}, "revision": {strconv.Itoa(r.num("revision"))},
			"purpose": {purpose}, "category": {"travel"}, "budget_line_id": {"2026-sales-travel"},
			"line_spent_on": {"2026-11-02"}, "line_description": {"出租车 1"}, "line_amount": {amount}, "line_invoice_no": {"INV-1"}}
	}
	for _, tc := range []struct {
		name, purpose, amount string
		witness               bool
	}{
		{"as it stands", "客户拜访差旅", "1234.50", false},
		{"reworded", "客户拜访差旅（两家客户）", "1234.50", false},
		{"dearer", "客户拜访差旅", "1300.00", true},
	} {
		frag := b.post("/expenses/preview?case="+id, typed(tc.purpose, tc.amount))
		if frag.Status != http.StatusOK {
			t.Fatalf("%s: live preview %d: %s", tc.name, frag.Status, frag.Body)
		}
		n := byID(frag.Doc, "preview-resign")
		if n == nil {
			t.Fatalf("%s: the live preview says nothing of who signs again:\n%s", tc.name, frag.Body)
		}
		text := textOf(n)
		if got := strings.Contains(text, "证明人") && strings.Contains(text, "李娜"); got != tc.witness {
			t.Errorf("%s: the preview names the witness: %v, want %v: %q", tc.name, got, tc.witness, text)
		}
	}
}

// TestVerifyProblemLedger: a problem's ledger verifies over HTTP once its transitions are
// sealed, for auditors only, and an unknown problem is 404.
func TestVerifyProblemLedger(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.seedRegistry()
	p := h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/problems", User: "zhang.wei", Body: map[string]any{
		"title": "扭矩超差", "description": "总装一线扭矩超差", "model": "XH-7", "severity": "normal"}}), http.StatusCreated, "")
	id := p.str("id")
	h.must(h.problemAct("liu.yang", id, "publish", map[string]any{"revision": h.rev(id),
		"assignments": []any{map[string]any{"department": "engineering", "representatives": []string{"huang.lei"}}}}),
		http.StatusOK, "")
	rep := h.eventually(call{Method: http.MethodGet, Path: "/api/v1/problems/" + id + "/verify", User: "sun.min"},
		func(r reply) bool { return r.num("seals") >= 2 })
	if ok, _ := rep.Body["ok"].(bool); !ok || rep.str("case_id") != id || rep.str("head") == "" || len(rep.str("digest")) != 64 {
		t.Errorf("verify = %s, want a sound problem ledger", rep.Raw)
	}
	h.must(get(h, "zhang.wei", "/api/v1/problems/"+id+"/verify"), http.StatusForbidden, "capability_required")
	h.must(get(h, "sun.min", "/api/v1/problems/PRB-1999-000001/verify"), http.StatusNotFound, "not_found")
}
