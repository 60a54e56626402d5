// Package apiclient is a small Go client of Signoff's JSON API, used by the benchmark driver
// and by `signoff dev` to seed demo cases. It speaks only the public HTTP contract.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"time"
)

// Client calls one Signoff gateway.
type Client struct {
	Base string
	HTTP *http.Client
}

// Error is a non-2xx answer.
type Error struct {
	Status int
	Body   string
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Body) }

// Call sends body as JSON (nil for none) with the bearer token and decodes the answer into out.
// headers are name/value pairs.
func (c *Client) Call(ctx context.Context, token, method, path string, body, out any, headers ...string) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
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
	return c.send(req, out)
}

// Upload stores a file (a receipt or an invoice) and returns its attachment ID, for a claim's
// Attachments.
func (c *Client) Upload(ctx context.Context, token, filename string, content []byte) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", filename)
	if err == nil {
		_, err = part.Write(content)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/api/v1/attachments", &body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	var out struct {
		ID string `json:"id"`
	}
	err = c.send(req, &out)
	return out.ID, err
}

// send makes the request and decodes a 2xx answer's JSON into out (nil to ignore it).
func (c *Client) send(req *http.Request, out any) error {
	method, path := req.Method, req.URL.Path
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %w", method, path, &Error{Status: resp.StatusCode, Body: string(bytes.TrimSpace(data))})
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// Login returns a bearer token.
func (c *Client) Login(ctx context.Context, user, password string) (string, error) {
	var out struct {
		Token string `json:"token"`
	}
	err := c.Call(ctx, "", http.MethodPost, "/api/v1/auth/login", map[string]string{"user": user, "password": password}, &out)
	return out.Token, err
}

// Case is the part of a case answer callers here need.
type Case struct {
	ID       string `json:"id"`
	Revision int    `json:"revision"`
	Status   string `json:"status"`
}

// Line is a claim's line item.
type Line struct {
	SpentOn     string `json:"spent_on,omitempty"`
	Description string `json:"description"`
	Amount      string `json:"amount"`
	InvoiceNo   string `json:"invoice_no,omitempty"`
}

// Claim is an expense claim as submitted.
type Claim struct {
	Purpose      string   `json:"purpose"`
	Category     string   `json:"category"`
	BudgetLineID string   `json:"budget_line_id"`
	Lines        []Line   `json:"lines"`
	Attachments  []string `json:"attachments,omitempty"` // IDs from Upload
	CC           []string `json:"cc,omitempty"`          // user IDs to copy the claim to
}

// Submit files a claim under an idempotency key.
func (c *Client) Submit(ctx context.Context, token, key string, claim Claim) (Case, error) {
	var out Case
	err := c.Call(ctx, token, http.MethodPost, "/api/v1/expenses", claim, &out, "Idempotency-Key", key)
	return out, err
}

// Act takes an action on a case at a revision; extra adds fields such as comment or reference.
func (c *Client) Act(ctx context.Context, token, id, action string, revision int, extra map[string]any) (Case, error) {
	body := map[string]any{"revision": revision}
	for k, v := range extra {
		body[k] = v
	}
	var out Case
	err := c.Call(ctx, token, http.MethodPost, "/api/v1/cases/"+id+"/actions/"+action, body, &out)
	return out, err
}

// Payment is the extra body of a cashier's payment.
func Payment(reference string, at time.Time) map[string]any {
	return map[string]any{"reference": reference, "paid_at": at.UTC().Format(time.RFC3339)}
}
