package main

import (
	"context"
	"log/slog"

	"signoff/config"
	"signoff/store"
)

// runWorker hosts the workflows and activities until interrupted. It refuses to start without
// policy.file unless --demo is given (see loadPolicy); the policy it runs is the one migrate loaded.
func runWorker(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	if err := serviceStartChecks("worker", cfg, args); err != nil {
		return err
	}
	s, c, closeAll, err := backends(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeAll()
	w, err := newWorker(cfg, s, store.NewPolicies(s), c, log)
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	log.Info("worker started", "task_queue", cfg.Temporal.TaskQueue)
	<-ctx.Done()
	w.Stop()
	return nil
}
