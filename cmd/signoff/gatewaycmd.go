package main

import (
	"context"
	"log/slog"

	"signoff/config"
	"signoff/store"
)

// runGateway serves the API and web UI until interrupted.
func runGateway(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string) error {
	s, err := store.Open(ctx, cfg.Database.URL, cfg.Database.MaxConns)
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := dialTemporal(ctx, cfg.Temporal, log)
	if err != nil {
		return err
	}
	defer c.Close()
	srv, err := newHTTPServer(cfg, s, store.NewPolicies(s), c, log)
	if err != nil {
		return err
	}
	log.Info("gateway listening", "addr", cfg.Gateway.Addr)
	return serve(ctx, srv, cfg.Gateway.ShutdownTimeout)
}
