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
	return s.verify(ctx, u, id, s.store.VerifyCase)
}

// VerifyProblem verifies the ledger of one production problem (ledger.VerifyProblem) as
// VerifyCase does a case's: same capability, same report (its case_id is the problem's ID).
func (s *Service) VerifyProblem(ctx context.Context, u store.User, id string) (ledger.Report, error) {
	return s.verify(ctx, u, id, s.store.VerifyProblem)
}

// verify runs a store's verification of id for u, who must hold audit.verify.
func (s *Service) verify(ctx context.Context, u store.User, id string, run func(context.Context, string) (ledger.Report, error)) (ledger.Report, error) {
	if err := s.Require(ctx, u, policy.CapAuditVerify); err != nil {
		return ledger.Report{}, err
	}
	r, err := run(ctx, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ledger.Report{}, ErrNotFound
	case err != nil:
		return ledger.Report{}, Internal(fmt.Errorf("verify %s: %w", id, err))
	}
	return r, nil
}
