package chain_test

import (
	"testing"
	"time"

	"signoff/chain"
)

// TestFormsNeedWhatValidateDemands: each offered form needs a part exactly when Validate refuses
// the action without it, so a page marking Needs marks what the validator demands.
func TestFormsNeedWhatValidateDemands(t *testing.T) {
	now := monday10.Add(90 * time.Minute)
	reason := chain.Parts{Reason: true}
	tests := []struct {
		name             string
		fixture          func(*testing.T) *chain.State
		user, onBehalfOf string
		want             map[chain.ActionType]chain.Parts
	}{
		{"the witness", atWitness, witness1, "", map[chain.ActionType]chain.Parts{
			chain.ActApprove: {}, chain.ActReject: reason, chain.ActReturn: reason,
			chain.ActAddSigner: {Target: true, Position: true},
			chain.ActComment:   reason, chain.ActNudge: {}}},
		{"the witness's delegate", atWitness, colleague, witness1, map[chain.ActionType]chain.Parts{
			chain.ActApprove: {}, chain.ActReject: reason, chain.ActReturn: reason,
			chain.ActAddSigner: {Target: true, Position: true}}},
		{"the department head", atApproval, salesHead, "", map[chain.ActionType]chain.Parts{
			chain.ActApprove: {}, chain.ActReject: reason, chain.ActReturn: reason,
			chain.ActTransfer: {Target: true}, chain.ActAddSigner: {Target: true, Position: true},
			chain.ActComment: reason, chain.ActNudge: {}}},
		{"the submitter", atWitness, submitter, "", map[chain.ActionType]chain.Parts{
			chain.ActWithdraw: reason, chain.ActComment: reason, chain.ActNudge: {}}},
		{"the submitter of a returned claim", returnedByWitness, submitter, "", map[chain.ActionType]chain.Parts{
			chain.ActResubmit: {}, chain.ActWithdraw: reason, chain.ActComment: reason}},
		{"the cashier", atPayment, cashier, "", map[chain.ActionType]chain.Parts{
			chain.ActPay: {Reference: true, PaidAt: true}, chain.ActReject: reason, chain.ActReturn: reason,
			chain.ActAddSigner: {Target: true, Position: true}, chain.ActComment: reason, chain.ActNudge: {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.fixture(t)
			forms := st.Forms(tt.user, tt.onBehalfOf, now)
			if len(forms) != len(tt.want) {
				t.Errorf("Forms = %+v, want %d forms", forms, len(tt.want))
			}
			for _, f := range forms {
				want, ok := tt.want[f.Type]
				if !ok {
					t.Errorf("%s offered", f.Type)
					continue
				}
				if f.Needs != want {
					t.Errorf("%s needs %+v, want %+v", f.Type, f.Needs, want)
				}
				if !f.Takes.Reason || (f.Needs.Target && !f.Takes.Target) || (f.Needs.PaidAt && !f.Takes.PaidAt) {
					t.Errorf("%s needs %+v beyond what it takes %+v", f.Type, f.Needs, f.Takes)
				}
				ex := st.Example(f.Type, tt.user, tt.onBehalfOf, now)
				if err := st.Validate(ex, now); err != nil {
					t.Errorf("%s's example is refused: %v", f.Type, err)
				}
			}
		})
	}
}
