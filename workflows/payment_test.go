package workflows_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"signoff/activities"
	"signoff/chain"
)

// bank is a payment connector on a real HTTP listener that records what it was asked.
type bank struct {
	mu     sync.Mutex
	keys   []string
	status int
}

func (b *bank) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	b.keys = append(b.keys, r.Header.Get("Idempotency-Key"))
	status := b.status
	b.mu.Unlock()
	var in struct {
		CaseID      string `json:"case_id"`
		AmountMinor int64  `json:"amount_minor"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.AmountMinor <= 0 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if status != 0 {
		http.Error(w, "account frozen", status)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"reference": "NET-" + in.CaseID, "paid_at": "2026-11-18T03:00:00Z"})
}

func connector(t *testing.T, b *bank) activities.Option {
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return activities.WithPaymentConnector(activities.PaymentConnector{URL: srv.URL, Client: srv.Client()})
}

func TestPaymentConnectorPaysOnceAfterFinalApproval(t *testing.T) {
	b := &bank{}
	h := newHarness(t, wed, travel1200, connector(t, b))
	h.autoPay = true
	h.at(wed.Add(10*time.Minute), act(chain.ActApprove, "li.na"), "")
	h.at(wed.Add(20*time.Minute), act(chain.ActApprove, "sun.min"), "")
	h.at(wed.Add(30*time.Minute), act(chain.ActApprove, "wang.fang"), "")
	h.run(chain.StatusPaid)
	want := []string{"submitted:zhang.wei", "approved:li.na", "approved:sun.min", "approved:wang.fang", "paid:payment-connector"}
	if got := decisions(h.seals()); !slices.Equal(got, want) {
		t.Errorf("ledger %v, want %v", got, want)
	}
	if !slices.Equal(b.keys, []string{"signoff-pay-" + h.caseID}) {
		t.Errorf("connector calls %v, want one keyed by the case", b.keys)
	}
	if c := h.storedCase(); c.PaidReference == nil || *c.PaidReference != "NET-"+h.caseID {
		t.Errorf("payment reference not recorded: %v", c.PaidReference)
	}
	if bl := h.budget("2026-sales-travel"); bl.Consumed != 120000 || bl.Reserved != 0 {
		t.Errorf("budget consumed %d reserved %d", bl.Consumed, bl.Reserved)
	}
}

func TestRefusedConnectorPaymentFallsBackToTheCashier(t *testing.T) {
	b := &bank{status: http.StatusUnprocessableEntity}
	h := newHarness(t, wed, travel1200, connector(t, b))
	h.autoPay = true
	h.at(wed.Add(10*time.Minute), act(chain.ActApprove, "li.na"), "")
	h.at(wed.Add(20*time.Minute), act(chain.ActApprove, "sun.min"), "")
	h.at(wed.Add(30*time.Minute), act(chain.ActApprove, "wang.fang"), "")
	pay := act(chain.ActPay, "wu.xia")
	pay.Reference, pay.PaidAt = "MANUAL-1", wed.Add(time.Hour)
	h.at(wed.Add(time.Hour), pay, "")
	h.run(chain.StatusPaid)
	if len(b.keys) != 1 {
		t.Errorf("a refusal is not retried: %d calls", len(b.keys))
	}
	if got := decisions(h.seals()); got[len(got)-1] != "paid:wu.xia" {
		t.Errorf("the cashier records the payment: %v", got)
	}
}
