package gateway

import (
	"net/http"
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
	for _, tc := range []struct {
		name   string
		edits  map[string]any
		resume string
	}{
		{"changed amount", claimBody("1300.00"), "witness"},
		{"comment only", nil, "review"},
	} {
		c := h.submit("zhang.wei", claimBody("1234.50"))
		id := c.str("id")
		w := h.must(h.act("li.na", id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
		r := h.must(h.act("sun.min", id, "return", map[string]any{"revision": w.num("revision"), "comment": "请核对金额"}), http.StatusOK, "")
		body := map[string]any{"revision": r.num("revision"), "comment": "已核对"}
		if tc.edits != nil {
			delete(tc.edits, "budget_line_id")
			body["edits"] = tc.edits
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
		if rep := h.must(get(h, "sun.min", "/api/v1/cases/"+id+"/verify"), http.StatusOK, ""); rep.Body["ok"] != true {
			t.Errorf("%s: ledger after the resubmission: %s", tc.name, rep.Raw)
		}
	}
}
