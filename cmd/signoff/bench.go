package main

import (
	"context"
	"errors"
	"log/slog"

	"signoff/config"
)

func runBench(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	return errors.New("bench: not built yet")
}
