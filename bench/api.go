package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// api is a minimal client of Signoff's JSON API.
type api struct {
	base string
	http *http.Client
}

func (a *api) call(ctx context.Context, token, method, path string, body, out any, headers ...string) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func (a *api) login(ctx context.Context, user, password string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	err := a.call(ctx, "", http.MethodPost, "/api/v1/auth/login", map[string]string{"user": user, "password": password}, &out)
	return out.Token, err
}

// caseRef is the part of a case response the driver needs.
type caseRef struct {
	ID       string `json:"id"`
	Revision int    `json:"revision"`
	Status   string `json:"status"`
}

func (a *api) submit(ctx context.Context, token, key, amount string) (caseRef, error) {
	body := map[string]any{
		"purpose": "基准测试：客户拜访交通费", "category": "travel", "budget_line_id": "2026-sales-travel",
		"lines": []map[string]string{{"spent_on": "2026-11-02", "description": "出租车", "amount": amount, "invoice_no": key}},
	}
	var c caseRef
	err := a.call(ctx, token, http.MethodPost, "/api/v1/expenses", body, &c, "Idempotency-Key", key)
	return c, err
}

func (a *api) act(ctx context.Context, token, id, action string, revision int) (caseRef, error) {
	body := map[string]any{"revision": revision}
	if action == "pay" {
		body["reference"] = "BENCH-" + id
		body["paid_at"] = time.Now().UTC().Format(time.RFC3339)
	}
	var c caseRef
	err := a.call(ctx, token, http.MethodPost, "/api/v1/cases/"+id+"/actions/"+action, body, &c)
	return c, err
}
