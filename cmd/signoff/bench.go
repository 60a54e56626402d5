package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"time"

	"signoff/bench"
	"signoff/config"
)

// runBench drives a running stack (`signoff dev` or production) and prints the comparison.
func runBench(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	url := fs.String("url", cfg.Gateway.PublicURL, "gateway base URL")
	n := fs.Int("n", 200, "claims to drive through the whole chain")
	c := fs.Int("c", 10, "concurrent claims")
	rounds := fs.Int("rounds", 3, "alternating Signoff/baseline rounds; the medians are reported")
	only := fs.String("only", "", `run one side only, "signoff" or "baseline" (for profiling)`)
	amount := fs.String("amount", "10.00", "amount of each claim")
	password := fs.String("password", "signoff", "the demo users' password")
	timeout := fs.Duration("timeout", 30*time.Minute, "limit for the whole run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tc, err := dialTemporal(ctx, cfg.Temporal, log)
	if err != nil {
		return err
	}
	defer tc.Close()
	return bench.Run(ctx, bench.Options{
		BaseURL: *url, Claims: *n, Concurrency: *c, Amount: *amount, Password: *password,
		Rounds: *rounds, Only: *only, Timeout: *timeout, Temporal: tc, Out: os.Stdout,
	})
}
