package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"go.temporal.io/sdk/temporal"
)

// PaymentConnector is a bank or ERP payment endpoint. Signoff POSTs one payment per case with
// the case ID as Idempotency-Key, so a retried activity never pays twice.
type PaymentConnector struct {
	URL    string
	Client *http.Client
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
// payment it returns that one without calling out.
func (a *Activities) Pay(ctx context.Context, in PayInput) (PayResult, error) {
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
