package gateway

import (
	"net/http"
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
