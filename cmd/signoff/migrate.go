package main

import (
	"context"
	"log/slog"

	"signoff/config"
)

// runMigrate is the one-shot job run before a rollout: schema, policy, search attributes.
// It refuses to start without policy.file unless --demo is given.
func runMigrate(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	flags, err := parseCommandFlags("migrate", args)
	if err != nil {
		return err
	}
	if err := migrate(ctx, cfg, flags.demo, log); err != nil {
		return err
	}
	c, err := dialTemporal(ctx, cfg.Temporal, log)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := registerSearchAttributes(ctx, c, cfg.Temporal.Namespace); err != nil {
		return err
	}
	if err := ensureReconcileSchedule(ctx, c, cfg.Temporal); err != nil {
		return err
	}
	if err := ensureLedgerHeadsSchedule(ctx, c, cfg.Temporal); err != nil {
		return err
	}
	log.Info("migrate done")
	return nil
}
