// Package service holds Signoff's operations: what a person can do (file a claim, act on a
// case, register a delivery, publish a problem…) and what they can read, independent of how
// they asked. The JSON API (gateway/api) and the web pages (gateway/web) both call it, so the
// two doors can never disagree. It knows nothing of HTTP: it returns its own typed errors
// (errors.go), which the doors map to statuses once. Business rules themselves live in the pure
// rules packages (policy, chain, procure, problem, kpi); the service asks them, loads what they
// need from the store and sends decisions to the workflows.
//
// It is one package of some 6,500 lines, one file per domain, on purpose: every operation shares
// the one receiver, the one error type, the grants and the name books, and a package per domain
// would have to export those to each other for no reader's gain.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"

	"signoff/actionsig"
	"signoff/config"
	"signoff/policy"
	"signoff/store"
)

// Deps are what the service needs. Every field is required except Now and AutoPay.
type Deps struct {
	Store    *store.Store
	Policies *store.Policies
	Temporal client.Client
	// TemporalConfig names the task queue cases start on and the UI that links to them.
	TemporalConfig config.TemporalConfig
	Logger         *slog.Logger
	Now            func() time.Time // nil means time.Now
	// AutoPay starts cases for a payment connector to pay once approved (payment.mode
	// connector); otherwise a cashier records each payment.
	AutoPay bool
	// PublicURL is the gateway's address as people reach it (gateway.public_url): the links a
	// printed voucher carries are built on it. Empty prints them as paths.
	PublicURL string
	// SigningKeys sign every action sent to a workflow (config actions.signing_keys), which
	// the workers verify.
	SigningKeys *actionsig.Keyring
}

// Service carries out the operations. It holds no request state; one serves every request.
type Service struct {
	store    *store.Store
	policies *store.Policies
	temporal client.Client
	tcfg     config.TemporalConfig
	log      *slog.Logger
	now      func() time.Time
	autoPay  bool
	// publicURL is Deps.PublicURL.
	publicURL string
	signer    *actionsig.Keyring
}

// New returns the service, refusing missing dependencies.
func New(d Deps) (*Service, error) {
	switch {
	case d.Store == nil:
		return nil, errors.New("service: Store is required")
	case d.Policies == nil:
		return nil, errors.New("service: Policies is required")
	case d.Temporal == nil:
		return nil, errors.New("service: Temporal client is required")
	case d.Logger == nil:
		return nil, errors.New("service: Logger is required")
	case d.TemporalConfig.TaskQueue == "":
		return nil, errors.New("service: TemporalConfig.TaskQueue is required")
	case d.SigningKeys == nil:
		return nil, errors.New("service: SigningKeys is required (actions.signing_keys)")
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	return &Service{store: d.Store, policies: d.Policies, temporal: d.Temporal, tcfg: d.TemporalConfig,
		log: d.Logger, now: now, autoPay: d.AutoPay, publicURL: d.PublicURL, signer: d.SigningKeys}, nil
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Policy is the current policy, by which pages name categories and people and read the time.
func (s *Service) Policy(ctx context.Context) (*policy.Document, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return nil, Internal(fmt.Errorf("policy: %w", err))
	}
	return doc, nil
}
