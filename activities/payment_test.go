package activities_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"signoff/activities"
	"signoff/chain"
	"signoff/testkit"
)

// bank is a payment connector on a real HTTP listener that behaves like a bank's API: one
// payment per Idempotency-Key, a repeated key answered with the first receipt. It counts what
// it was asked and what it paid.
type bank struct {
	mu       sync.Mutex
	status   int               // answer every request with this status instead (0: pay)
	requests []string          // Idempotency-Key of each request
	paid     map[string]string // key → reference
}

func (b *bank) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct {
		CaseID      string `json:"case_id"`
		AmountMinor int64  `json:"amount_minor"`
		Payee       string `json:"payee"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.AmountMinor <= 0 || in.Payee == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests = append(b.requests, key)
	switch {
	case b.status == http.StatusOK:
		return // a 200 without a receipt
	case b.status != 0:
		http.Error(w, "account frozen", b.status)
		return
	case key == "":
		http.Error(w, "Idempotency-Key required", http.StatusBadRequest)
		return
	}
	if b.paid == nil {
		b.paid = map[string]string{}
	}
	ref, ok := b.paid[key]
	if !ok {
		ref = fmt.Sprintf("NET-%d", len(b.paid)+1)
		b.paid[key] = ref
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"reference": ref, "paid_at": "2026-03-02T03:00:00Z"})
}

// asked returns the keys of the requests so far and how many payments were made.
func (b *bank) asked() (keys []string, payments int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.requests), len(b.paid)
}

func connector(t *testing.T, b *bank) activities.Option {
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return activities.WithPaymentConnector(activities.PaymentConnector{URL: srv.URL, Client: srv.Client()})
}

// awaitingPayment writes a claim and has its three signers approve it; it returns its chain,
// now held by the cashier.
func awaitingPayment(t *testing.T, db *testkit.DB, env *testsuite.TestActivityEnvironment, acts *activities.Activities) *chain.State {
	t.Helper()
	st := chainOf(t, env, acts, claim(t, db, "zhang.wei", "sales", 120_000))
	for _, a := range []chain.Action{{}, approve("li.na"), approve("sun.min"), approve("wang.fang")} {
		record(t, env, acts, st, a)
	}
	if st.Status != chain.StatusAwaitingPayment {
		t.Fatalf("claim is %s, want awaiting payment", st.Status)
	}
	return st
}

// TestPayPaysOnceByCase: Pay asks the bank to pay under the case's key and writes nothing
// itself; a retry before the workflow recorded the payment asks again under the same key, so
// the bank pays once and answers with the same receipt; once the payment is recorded Pay does
// not call out at all. Another case is another payment.
func TestPayPaysOnceByCase(t *testing.T) {
	db := testkit.NewDB(t)
	b := &bank{}
	acts, env := actEnv(t, db, inAppOnly, connector(t, b))
	st := awaitingPayment(t, db, env, acts)
	pay := func() (activities.PayResult, error) {
		return run[activities.PayResult](t, env, acts.Pay, activities.PayInput{CaseID: st.CaseID})
	}

	receipt := once(t, db, "pay", pay, writes{})
	if keys, payments := b.asked(); !slices.Equal(keys, []string{"signoff-pay-" + st.CaseID, "signoff-pay-" + st.CaseID}) || payments != 1 {
		t.Errorf("bank asked %v and paid %d, want twice under signoff-pay-%s and paid once", keys, payments, st.CaseID)
	}
	if receipt.Reference != "NET-1" || !receipt.PaidAt.Equal(time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("receipt = %+v", receipt)
	}

	// The workflow records the payment; a late retry of Pay then answers from the case.
	out := st.PaidByConnector(chain.Payment{Reference: receipt.Reference, PaidAt: receipt.PaidAt}, monday10.Add(time.Hour))
	mustRun[activities.RecordResult](t, env, acts.Record, activities.RecordInput{State: st.Clone(), Outcome: out, Title: "差旅费报销"})
	late := once(t, db, "pay after the payment was recorded", pay, writes{})
	if late.Reference != receipt.Reference || !late.PaidAt.Equal(receipt.PaidAt) {
		t.Errorf("late retry answered %+v, want the recorded %+v", late, receipt)
	}
	if keys, _ := b.asked(); len(keys) != 2 {
		t.Errorf("bank asked %v, want no call once the case records its payment", keys)
	}

	other := awaitingPayment(t, db, env, acts)
	second := mustRun[activities.PayResult](t, env, acts.Pay, activities.PayInput{CaseID: other.CaseID})
	if _, payments := b.asked(); payments != 2 || second.Reference == receipt.Reference {
		t.Errorf("another case: paid %d in all, reference %s; want a second payment", payments, second.Reference)
	}
}

// TestPayFailures: a bank's refusal (4xx) and a deployment without a connector are
// payment_refused, which the workflow does not retry but hands to the cashier; a bank that is
// down or answers without a receipt fails retryably. None writes anything.
func TestPayFailures(t *testing.T) {
	tests := []struct {
		name      string
		status    int  // the bank's answer
		none      bool // no connector configured
		refused   bool
		wantCalls int // per call of Pay
	}{
		{"bank refuses", http.StatusUnprocessableEntity, false, true, 1},
		{"no connector", 0, true, true, 0},
		{"bank down", http.StatusServiceUnavailable, false, false, 1},
		{"bank answers without a receipt", http.StatusOK, false, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := testkit.NewDB(t)
			b := &bank{status: tt.status}
			var opts []activities.Option
			if !tt.none {
				opts = append(opts, connector(t, b))
			}
			acts, env := actEnv(t, db, inAppOnly, opts...)
			st := awaitingPayment(t, db, env, acts)
			pay := func() error {
				_, err := run[activities.PayResult](t, env, acts.Pay, activities.PayInput{CaseID: st.CaseID})
				return err
			}
			if tt.refused {
				refused(t, db, tt.name, pay, activities.ErrTypePaymentRefused)
			} else {
				before := snapshot(t, db)
				retryable(t, tt.name, pay())
				if got := before.writes(snapshot(t, db)); len(got) != 0 {
					t.Errorf("failed payment wrote %v", got)
				}
			}
			calls := 2
			if !tt.refused {
				calls = 1
			}
			if keys, payments := b.asked(); len(keys) != calls*tt.wantCalls || payments != 0 {
				t.Errorf("bank asked %v and paid %d, want %d calls and no payment", keys, payments, calls*tt.wantCalls)
			}
		})
	}
}
