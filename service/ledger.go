package service

import (
	"context"
	"errors"
	"fmt"

	"signoff/ledger"
	"signoff/policy"
	"signoff/store"
)

// VerifyCase verifies the seal ledger of one case (package ledger): every seal's hash and link
// recomputed, and the case's content now against what its latest seals attest. It takes the
// audit.verify capability; the report carries hashes and the first broken seal, not the case's
// facts. A broken ledger is an answer (OK false), not an error.
func (s *Service) VerifyCase(ctx context.Context, u store.User, id string) (ledger.Report, error) {
	if err := s.Require(ctx, u, policy.CapAuditVerify); err != nil {
		return ledger.Report{}, err
	}
	r, err := s.store.VerifyCase(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ledger.Report{}, ErrNotFound
	case err != nil:
		return ledger.Report{}, Internal(fmt.Errorf("verify %s: %w", id, err))
	}
	return r, nil
}
