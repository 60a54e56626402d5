package activities

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"

	"signoff/redact"
)

// PaymentConnector is a bank or ERP payment endpoint. Signoff POSTs one payment per case with
// the case ID as Idempotency-Key, so a retried activity never pays twice. Every call is
// authenticated: a bearer Token, a SigningSecret's signature header (SignatureHeader), or both.
type PaymentConnector struct {
	URL    string
	Client *http.Client
	// Token is sent as "Authorization: Bearer <Token>".
	Token string
	// SigningSecret signs each request: SignatureHeader is "t=<unix seconds>,v1=<hex
	// HMAC-SHA256 of "<t>.<body>">", which the connector recomputes and compares, refusing a
	// stale t, so a captured request cannot be replayed later or altered.
	SigningSecret string
	// Now stamps the signature; nil means time.Now.
	Now func() time.Time
}

// SignatureHeader carries the request's signature when PaymentConnector.SigningSecret is set.
const SignatureHeader = "Signoff-Signature"

// Sign is the SignatureHeader value of body at t under secret, for the connector's side too.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// authenticate adds the connector's credentials to req, whose body is body.
func (p PaymentConnector) authenticate(req *http.Request, body []byte) {
	if p.Token != "" {
		req.Header.Set("Authorization", "Bearer "+p.Token)
	}
	if p.SigningSecret != "" {
		now := time.Now
		if p.Now != nil {
			now = p.Now
		}
		req.Header.Set(SignatureHeader, Sign(p.SigningSecret, now(), body))
	}
}

// scrubber keeps the connector's credentials (in its URL, its token, its signing key) out of
// Pay's errors, which Temporal records in the workflow's history and the worker logs.
func (p PaymentConnector) scrubber() redact.Scrubber {
	return redact.New([]string{p.URL}, p.Token, p.SigningSecret)
}

// Enabled reports whether payments go through the connector instead of a cashier.
func (p PaymentConnector) Enabled() bool { return p.URL != "" }

// PayInput names the case to pay.
type PayInput struct {
	CaseID string `json:"case_id"`
}

// PayResult is the connector's receipt.
type PayResult struct {
	Reference string    `json:"reference"`
	PaidAt    time.Time `json:"paid_at"`
}

// ErrTypePaymentRefused marks a payment the connector refused (4xx); retrying will not help.
const ErrTypePaymentRefused = "payment_refused"

// Pay asks the connector to pay a case's amount to its submitter. If the case already records a
// payment it returns that one without calling out. Its errors never show the connector's
// credentials, even where the connector echoes them.
func (a *Activities) Pay(ctx context.Context, in PayInput) (PayResult, error) {
	res, err := a.pay(ctx, in)
	if err == nil {
		return res, nil
	}
	s := a.payment.scrubber()
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.NonRetryable() {
		return PayResult{}, temporal.NewNonRetryableApplicationError(s.Text(app.Error()), app.Type(), nil)
	}
	return PayResult{}, s.Error(err)
}

func (a *Activities) pay(ctx context.Context, in PayInput) (PayResult, error) {
	c, err := a.store.Case(ctx, in.CaseID)
	if err != nil {
		return PayResult{}, fmt.Errorf("pay: %w", err)
	}
	if c.PaidReference != nil && c.PaidAt != nil {
		return PayResult{Reference: *c.PaidReference, PaidAt: *c.PaidAt}, nil
	}
	if !a.payment.Enabled() {
		return PayResult{}, temporal.NewNonRetryableApplicationError("pay: no payment connector configured", ErrTypePaymentRefused, nil)
	}
	body, err := json.Marshal(map[string]any{
		"case_id": c.ID, "amount_minor": c.Amount, "currency": c.Currency, "payee": c.SubmitterID, "purpose": c.Purpose,
	})
	if err != nil {
		return PayResult{}, fmt.Errorf("pay: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.payment.URL, bytes.NewReader(body))
	if err != nil {
		return PayResult{}, fmt.Errorf("pay: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "signoff-pay-"+c.ID)
	a.payment.authenticate(req, body)
	resp, err := a.payment.Client.Do(req)
	if err != nil {
		return PayResult{}, fmt.Errorf("pay %s: %w", c.ID, err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	switch {
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return PayResult{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("pay %s: refused: %d %s", c.ID, resp.StatusCode, reply), ErrTypePaymentRefused, nil)
	case resp.StatusCode/100 != 2:
		return PayResult{}, fmt.Errorf("pay %s: status %d", c.ID, resp.StatusCode)
	}
	var res PayResult
	if err := json.Unmarshal(reply, &res); err != nil || res.Reference == "" || res.PaidAt.IsZero() {
		return PayResult{}, fmt.Errorf("pay %s: bad receipt %q", c.ID, reply)
	}
	return res, nil
}
