package main

import (
	"context"
	"log/slog"

	"signoff/config"
	"signoff/store"
)

// runGateway serves the API until interrupted.
func runGateway(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string) error {
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
