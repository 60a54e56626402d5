package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"signoff/config"
	"signoff/ledger"
	"signoff/store"
)

// runVerify is `signoff verify [--case ID]`: recompute the seal ledger (package ledger) of one
// case or of every case, print each broken case with its first broken seal and a summary, and
// fail when any is broken. It reads the database only.
func runVerify(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	caseID := fs.String("case", "", "verify this case only (default: every case)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := store.Open(ctx, cfg.Database.URL, 2)
	if err != nil {
		return err
	}
	defer s.Close()
	return verifyLedger(ctx, s, *caseID, os.Stdout)
}

// errLedgerBroken is verify's failure when it found a broken case (it printed which).
var errLedgerBroken = errors.New("the seal ledger is broken")

func verifyLedger(ctx context.Context, s *store.Store, caseID string, out io.Writer) error {
	var cases, broken, seals, legacy int
	report := func(r ledger.Report) error {
		cases++
		seals += r.Seals
		legacy += r.Legacy
		if !r.OK {
			broken++
			fmt.Fprintf(out, "BROKEN %s seal %d: %s: %s\n", r.CaseID, r.BrokenSeq, r.Problem, r.Detail)
		} else if caseID != "" {
			fmt.Fprintf(out, "ok %s: %d seals, head %s\n", r.CaseID, r.Seals, r.Head)
		}
		return nil
	}
	if caseID != "" {
		r, err := s.VerifyCase(ctx, caseID)
		if err != nil {
			return err
		}
		_ = report(r)
	} else if err := s.VerifyLedger(ctx, report); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d cases, %d seals verified (%d from before the ledger, not hashed), %d broken\n",
		cases, seals, legacy, broken)
	if broken > 0 {
		return fmt.Errorf("%w: %d of %d cases", errLedgerBroken, broken, cases)
	}
	return nil
}
