// Command signoff runs Signoff: `signoff dev` starts everything on one machine; `worker`,
// `gateway` and `migrate` are the production processes; `bench` drives a running stack.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"signoff/config"
)

const usage = `usage: signoff [--config FILE] COMMAND

commands:
  dev       start Temporal dev server, migrations, demo policy, worker and gateway in one process
  worker    run a Temporal worker (stateless; run N)
  gateway   run the HTTP gateway (stateless; run N)
  migrate   apply database migrations, load the policy, register search attributes
  verify    recompute the seal ledgers' digests, links and daily heads (--case ID, --problem ID: one;
            --heads: write the heads of the days over first); fails if broken
  bench     drive claims through a running stack and compare with a bare-SDK baseline
  bench-web measure inbox and case page render times over generated cases (own database)
  bench-kpi measure the quarterly completion rates over generated problems (own database)
  archive   verify FILE: check a closed case's archive package or an export offline (no database);
            export --from --to: write the packages of the cases closed in a period as one zip

configuration: a YAML file (--config or SIGNOFF_CONFIG) and SIGNOFF_* environment variables;
see the README's configuration reference.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "signoff:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("signoff", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, usage) }
	configPath := fs.String("config", "", "YAML configuration file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return flag.ErrHelp
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	if cmd == "archive" && len(rest) > 0 && rest[0] == "verify" {
		// An archive package is verified offline: no configuration, no database.
		return runArchiveVerify(rest[1:])
	}
	commands := map[string]func(context.Context, config.Config, *slog.Logger, []string) error{
		"dev":       runDev,
		"worker":    runWorker,
		"gateway":   runGateway,
		"migrate":   runMigrate,
		"verify":    runVerify,
		"bench":     runBench,
		"bench-web": runBenchWeb,
		"bench-kpi": runBenchKPI,
		"archive":   runArchive,
	}
	fn, ok := commands[cmd]
	if !ok {
		fs.Usage()
		return fmt.Errorf("unknown command %q", cmd)
	}
	cfg, err := config.Load(*configPath, os.Environ())
	if err != nil {
		return err
	}
	log := config.NewLogger(os.Stderr, cfg.Log)
	log.Info("config", "command", cmd, "config", cfg)
	return fn(ctx, cfg, log, rest)
}
