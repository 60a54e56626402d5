package main

import (
	"context"
	"log/slog"

	"signoff/config"
	"signoff/store"
)

// runGateway serves the API until interrupted. It refuses to start without policy.file unless
// --demo is given (see loadPolicy); the policy it serves is the one migrate loaded.
func runGateway(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	if err := serviceStartChecks("gateway", cfg, args); err != nil {
		return err
	}
	s, c, closeAll, err := backends(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	srv, err := newHTTPServer(cfg, s, store.NewPolicies(s), c, log)
	if err != nil {
		return err
	}
	log.Info("gateway listening", "addr", cfg.Gateway.Addr)
	return serve(ctx, srv, cfg.Gateway.ShutdownTimeout)
}
