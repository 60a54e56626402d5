package gateway

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
)

// TestReviewResultsCountTheReviewersDecisions files four sales claims and has the reviewer
// approve one, return one and reject one, while the witness rejects the fourth: the published
// results count the reviewer's three decisions (not the witness's), with their amounts and the
// reasons, the same in JSON, in the CSV download and on the page.
func TestReviewResultsCountTheReviewersDecisions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	reviewed := func(amount, decision, reason string) string {
		c := h.submit("zhang.wei", claimBody(amount))
		id := c.str("id")
		c = h.must(h.act("li.na", id, "approve", map[string]any{"revision": c.num("revision")}), http.StatusOK, "")
		body := map[string]any{"revision": c.num("revision")}
		if reason != "" {
			body["comment"] = reason
		}
		h.must(h.act("sun.min", id, decision, body), http.StatusOK, "")
		return id
	}
	reviewed("1234.50", "approve", "")
	returned := reviewed("300.00", "return", "请补充发票")
	rejected := reviewed("88.00", "reject", "不符合报销标准")
	w := h.submit("zhang.wei", claimBody("50.00"))
	h.must(h.act("li.na", w.str("id"), "reject", map[string]any{"revision": w.num("revision"), "comment": "并无此行程"}), http.StatusOK, "")

	r := h.must(get(h, "zhang.wei", "/api/v1/review-results?period=month"), http.StatusOK, "")
	depts := r.Body["departments"].([]any)
	if len(depts) != 1 {
		t.Fatalf("departments: %v", depts)
	}
	sales := depts[0].(map[string]any)
	want := map[string]map[string]any{
		"approved": {"decisions": 1.0, "cases": 1.0, "amount": "1234.50"},
		"returned": {"decisions": 1.0, "cases": 1.0, "amount": "300.00"},
		"rejected": {"decisions": 1.0, "cases": 1.0, "amount": "88.00"},
	}
	for _, row := range []map[string]any{sales, r.Body["total"].(map[string]any)} {
		for dec, w := range want {
			got := row[dec].(map[string]any)
			for k, v := range w {
				if got[k] != v {
					t.Errorf("%s %s %s = %v, want %v", row["key"], dec, k, got[k], v)
				}
			}
		}
	}
	if sales["key"] != "sales" || sales["name"] != "销售部" {
		t.Errorf("department: %v", sales)
	}
	refusals := r.Body["refusals"].([]any)
	type refusal struct{ id, decision, reason, amount, reviewer string }
	var got []refusal
	for _, x := range refusals {
		m := x.(map[string]any)
		got = append(got, refusal{m["case_id"].(string), m["decision"].(string), m["reason"].(string), m["amount"].(string), m["reviewer"].(string)})
	}
	wantRefusals := []refusal{{returned, "returned", "请补充发票", "300.00", "孙敏"}, {rejected, "rejected", "不符合报销标准", "88.00", "孙敏"}}
	if len(got) != 2 || got[0] != wantRefusals[0] || got[1] != wantRefusals[1] {
		t.Errorf("refusals:\n got %v\nwant %v", got, wantRefusals)
	}

	// The page and its download, for anyone signed in.
	b := h.browser()
	b.signIn("he.ping")
	p := b.get("/review-results?period=month")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, "请补充发票") || !strings.Contains(p.Body, "¥1,234.50") ||
		!strings.Contains(p.Body, `id="reviews-sales"`) {
		t.Fatalf("the page: %d\n%s", p.Status, p.Body)
	}
	dl := b.get("/review-results/export.csv?period=month")
	if dl.Status != http.StatusOK || !strings.HasPrefix(dl.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %s", dl.Status, dl.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(dl.Body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	has := func(want ...string) bool {
		for _, row := range rows {
			if strings.Join(row[:len(want)], "|") == strings.Join(want, "|") {
				return true
			}
		}
		return false
	}
	for _, row := range [][]string{
		{"count", "销售部", "approved", "1", "1", "1234.50"},
		{"count", "销售部", "returned", "1", "1", "300.00"},
		{"count", "total", "rejected", "1", "1", "88.00"},
		{"refusal", "销售部", "rejected", "", "", "88.00", rejected, "孙敏"},
	} {
		if !has(row...) {
			t.Errorf("the CSV lacks %v:\n%s", row, dl.Body)
		}
	}
	if exports := h.auditEntries("export", "he.ping"); len(exports) != 1 || exports[0]["route"] != "GET /review-results/export.csv" {
		t.Errorf("the download is not in the audit log: %v", exports)
	}

	// Another period has nothing.
	empty := h.must(get(h, "zhang.wei", "/api/v1/review-results?period=custom&from=2020-01-01&to=2020-01-31"), http.StatusOK, "")
	if len(empty.Body["departments"].([]any)) != 0 || len(empty.Body["refusals"].([]any)) != 0 {
		t.Errorf("January 2020: %s", empty.Raw)
	}
}
