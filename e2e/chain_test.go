package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestClaimWalksTheWholeChainOverHTTP(t *testing.T) {
	a := newApp(t)
	body := claimBody("客户拜访差旅", "travel", "2026-sales-travel", "800.00", "400.50")

	preview := a.must(a.do("zhang.wei", http.MethodPost, "/api/v1/expenses/route-preview", body), 200, "route preview")
	steps, _ := preview.body["steps"].([]any)
	var keys []string
	for _, s := range steps {
		keys = append(keys, s.(map[string]any)["key"].(string))
	}
	if want := []string{"witness", "review", "approval.department_head", "payment"}; !slices.Equal(keys, want) {
		t.Fatalf("preview steps %v, want %v", keys, want)
	}

	c := a.must(a.do("zhang.wei", http.MethodPost, "/api/v1/expenses", body, "Idempotency-Key", "walk-1"), 201, "submit")
	id := c.str("id")
	if c.str("amount") != "1200.50" || c.str("status") != "in_progress" {
		t.Fatalf("submitted case: %s", c.raw)
	}
	operatorSees(t, a, id, "in_progress", "witness", "li.na,liu.yang")
	for _, step := range []struct{ user, action string }{
		{"li.na", "approve"}, {"sun.min", "approve"}, {"wang.fang", "approve"}, {"wu.xia", "pay"},
	} {
		todo := a.must(a.do(step.user, http.MethodGet, "/api/v1/cases?scope=todo", nil), 200, "todo")
		if !slices.Contains(ids(todo), id) {
			t.Fatalf("%s's inbox lacks %s before acting: %s", step.user, id, todo.raw)
		}
		var extra map[string]any
		if step.action == "pay" {
			extra = payment(id)
		}
		c = a.must(a.act(step.user, id, step.action, c.num("revision"), extra), 200, step.user+" "+step.action)
		if step.user == "li.na" {
			operatorSees(t, a, id, "in_progress", "review", "sun.min,zhou.jie")
		}
		todo = a.must(a.do(step.user, http.MethodGet, "/api/v1/cases?scope=todo", nil), 200, "todo")
		if slices.Contains(ids(todo), id) {
			t.Fatalf("%s's inbox still shows %s right after acting (read-your-writes)", step.user, id)
		}
	}
	operatorSees(t, a, id, "paid", "", "")
	final := a.must(a.do("zhang.wei", http.MethodGet, "/api/v1/cases/"+id, nil), 200, "case")
	if final.str("status") != "paid" {
		t.Fatalf("final status %q", final.str("status"))
	}
	seals, _ := final.body["seals"].([]any)
	if len(seals) != 5 {
		t.Fatalf("want 5 seals (submitted, 3 approvals, paid), got %d: %s", len(seals), final.raw)
	}
	mine := a.must(a.do("zhang.wei", http.MethodGet, "/api/v1/cases?scope=submitted&status=paid", nil), 200, "mine")
	if !slices.Contains(ids(mine), id) {
		t.Fatalf("my paid submissions lack %s", id)
	}
	b, err := a.stack.Store.BudgetLine(context.Background(), "2026-sales-travel")
	if err != nil {
		t.Fatal(err)
	}
	if b.Consumed != 120050 || b.Reserved != 0 {
		t.Fatalf("budget consumed %d reserved %d", b.Consumed, b.Reserved)
	}
}

// operatorSees checks the search attributes an operator filters on in the Temporal UI.
func operatorSees(t *testing.T, a *app, id, status, step, assignees string) {
	t.Helper()
	d, err := a.stack.Client.DescribeWorkflowExecution(context.Background(), id, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for name, p := range d.GetWorkflowExecutionInfo().GetSearchAttributes().GetIndexedFields() {
		var v any
		if err := json.Unmarshal(p.GetData(), &v); err != nil {
			t.Fatal(err)
		}
		switch x := v.(type) {
		case []any:
			var parts []string
			for _, e := range x {
				parts = append(parts, fmt.Sprint(e))
			}
			got[name] = strings.Join(parts, ",")
		default:
			got[name] = fmt.Sprint(x)
		}
	}
	want := map[string]string{"CaseKind": "expense", "CaseStatus": status, "Department": "sales",
		"CurrentStep": step, "AssigneeIds": assignees, "AmountMinor": "120050", "Overdue": "false"}
	for k, v := range want {
		if got[k] != v && !(v == "" && got[k] == "<nil>") {
			t.Errorf("%s: search attribute %s = %q, want %q", id, k, got[k], v)
		}
	}
}
