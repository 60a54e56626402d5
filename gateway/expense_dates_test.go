package gateway

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"signoff/i18n"
	"signoff/policy"
	"signoff/service"
)

// TestLineDatesAreCheckedAgainstThePolicy: a line item dated in the future (in the policy
// calendar's timezone) or before the policy's expense.max_age_days is refused at its field by
// the route preview, the submission and a resubmission's edits alike, and nothing is written;
// today and the oldest day allowed are accepted.
func TestLineDatesAreCheckedAgainstThePolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, doc, err := h.stack.Policies.Latest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		t.Fatal(err)
	}
	policyToday := func() time.Time {
		y, m, d := time.Now().In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	today := policyToday()
	t.Cleanup(func() {
		if !policyToday().Equal(today) {
			t.Log("the policy's day changed during the test; a refusal of a boundary day may be the clock's")
		}
	})
	oldest := today.AddDate(0, 0, -doc.Expense.MaxAge())
	date := func(d time.Time) string { return d.Format(time.DateOnly) }
	msg := func(key string, limit time.Time) string {
		return service.Problem{Key: key, Args: []any{date(limit)}}.In(i18n.EN)
	}

	refused := []struct {
		name, spentOn, want string
	}{
		{"the last day there is", "9999-12-31", msg(policy.SpentInFuture, today)},
		{"tomorrow", date(today.AddDate(0, 0, 1)), msg(policy.SpentInFuture, today)},
		{"the first day there is", "0001-01-01", msg(policy.SpentTooOld, oldest)},
		{"a day older than allowed", date(oldest.AddDate(0, 0, -1)), msg(policy.SpentTooOld, oldest)},
	}
	expectRefused := func(t *testing.T, c call, field, want string) {
		t.Helper()
		before := h.written()
		r := h.must(h.do(c), http.StatusUnprocessableEntity, "invalid_input")
		if got := r.details()[field]; got != want {
			t.Errorf("details[%q] = %v, want %q: %s", field, got, want, r.Raw)
		}
		if after := h.written(); after != before {
			t.Errorf("refused request wrote: %+v → %+v", before, after)
		}
	}
	for _, tc := range refused {
		body := with(claimBody("120.50"), 0, map[string]any{"spent_on": tc.spentOn})
		t.Run("preview/"+tc.name, func(t *testing.T) {
			expectRefused(t, call{Method: http.MethodPost, Path: "/api/v1/expenses/route-preview", User: "zhang.wei", Body: body},
				"lines[0].spent_on", tc.want)
		})
		t.Run("submit/"+tc.name, func(t *testing.T) {
			expectRefused(t, call{Method: http.MethodPost, Path: "/api/v1/expenses", User: "zhang.wei", Body: body},
				"lines[0].spent_on", tc.want)
		})
	}

	// Today and the oldest day allowed pass the preview and the submission.
	bounds := with(claimBody("120.50", "80.00"), 0, map[string]any{"spent_on": date(today)})
	bounds = with(bounds, 1, map[string]any{"spent_on": date(oldest)})
	h.must(h.do(call{Method: http.MethodPost, Path: "/api/v1/expenses/route-preview", User: "zhang.wei", Body: bounds}), http.StatusOK, "")
	c := h.submit("zhang.wei", bounds)
	id := c.str("id")

	// A returned claim's corrections are held to the same dates.
	returned := h.must(h.act("li.na", id, "return", map[string]any{"revision": c.num("revision"), "comment": "请核对日期"}), http.StatusOK, "")
	rev := returned.num("revision")
	edits := func(spentOn string) map[string]any {
		return map[string]any{"purpose": "客户拜访差旅", "category": "travel", "lines": []any{
			map[string]any{"spent_on": spentOn, "description": "出租车", "amount": "120.50"}}}
	}
	for _, tc := range refused {
		t.Run("resubmit/"+tc.name, func(t *testing.T) {
			expectRefused(t, call{Method: http.MethodPost, Path: "/api/v1/cases/" + id + "/actions/resubmit", User: "zhang.wei",
				Body: map[string]any{"revision": rev, "edits": edits(tc.spentOn)}}, "edits.lines[0].spent_on", tc.want)
		})
	}
	h.must(h.act("zhang.wei", id, "resubmit", map[string]any{"revision": rev, "edits": edits(date(oldest))}), http.StatusOK, "")
}

// The claim form says the same at the line's date, in its reader's language, and keeps the line.
func TestWebClaimFormRefusesAFutureDateAtTheLine(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	w := h.browser()
	w.signIn("zhang.wei")
	form := w.get("/expenses/new")
	p := w.post("/expenses/new", url.Values{"_csrf": {inputValue(form.Doc, "_csrf")}, "key": {inputValue(form.Doc, "key")},
		"purpose": {"拜访客户"}, "category": {"travel"}, "budget_line_id": {"2026-sales-travel"},
		"line_spent_on": {"9999-12-31"}, "line_description": {"高铁"}, "line_amount": {"120.00"}, "line_invoice_no": {"INV-1"}})
	if p.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a claim dated 9999-12-31: %d", p.Status)
	}
	if !strings.Contains(p.Body, `aria-invalid="true"`) || !strings.Contains(p.Body, "消费日期不能晚于今天") {
		t.Errorf("the form does not mark the line's date: %s", p.Body)
	}
	if inputValue(p.Doc, "line_spent_on") != "9999-12-31" {
		t.Error("the typed date was lost")
	}
	if got := h.written(); got.Cases != 0 {
		t.Errorf("a refused form wrote %+v", got)
	}
}
