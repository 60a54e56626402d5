package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"signoff/config"
	"signoff/ledger"
	"signoff/store"
)

// runVerify is `signoff verify [--case ID | --problem ID] [--heads]`: recompute the seal
// ledger (package ledger) of one case, of one production problem, or of every case, every
// problem and the daily heads; print each broken one with its first broken seal (or day) and a
// summary, and fail when any is broken. It reads the database only, except that --heads first
// writes the heads of the days over and not headed yet (store.SealDailyHeads), as the
// signoff-ledger-heads Schedule does every day.
func runVerify(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	caseID := fs.String("case", "", "verify this case only (default: every case and problem)")
	problemID := fs.String("problem", "", "verify this production problem only")
	heads := fs.Bool("heads", false, "first write the daily heads of the days over (then verify everything)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *caseID != "" && *problemID != "" {
		return errors.New("verify: --case and --problem exclude each other")
	}
	if *heads && (*caseID != "" || *problemID != "") {
		return errors.New("verify: --heads covers every ledger, not one case or problem")
	}
	s, err := store.Open(ctx, cfg.Database.URL, 2)
	if err != nil {
		return err
	}
	defer s.Close()
	if *heads {
		written, err := s.SealDailyHeads(ctx, time.Now())
		if err != nil {
			return err
		}
		for _, h := range written {
			fmt.Fprintf(os.Stdout, "headed %s: %d seals, head %s\n", h.Day, h.Seals, h.Hash)
		}
	}
	return verifyLedger(ctx, s, verifyScope{caseID: *caseID, problemID: *problemID}, os.Stdout)
}

// errLedgerBroken is verify's failure when it found a broken case or problem (it printed which).
var errLedgerBroken = errors.New("the seal ledger is broken")

// verifyScope says what verify walks: one case, one problem, or (both empty) everything.
type verifyScope struct{ caseID, problemID string }

// tally counts what one kind of ledger owner (cases, problems) verification saw.
type tally struct{ owners, broken, seals, legacy int }

func (t *tally) reporter(out io.Writer, verbose bool) func(ledger.Report) error {
	return func(r ledger.Report) error {
		t.owners++
		t.seals += r.Seals
		t.legacy += r.Legacy
		if !r.OK {
			t.broken++
			fmt.Fprintf(out, "BROKEN %s seal %d: %s: %s\n", r.CaseID, r.BrokenSeq, r.Problem, r.Detail)
		} else if verbose {
			fmt.Fprintf(out, "ok %s: %d seals, head %s\n", r.CaseID, r.Seals, r.Head)
		}
		return nil
	}
}

func verifyLedger(ctx context.Context, s *store.Store, scope verifyScope, out io.Writer) error {
	var cases, problems tally
	headsBroken := false
	switch {
	case scope.caseID != "":
		r, err := s.VerifyCase(ctx, scope.caseID)
		if err != nil {
			return err
		}
		_ = cases.reporter(out, true)(r)
	case scope.problemID != "":
		r, err := s.VerifyProblem(ctx, scope.problemID)
		if err != nil {
			return err
		}
		_ = problems.reporter(out, true)(r)
	default:
		if err := s.VerifyLedger(ctx, cases.reporter(out, false)); err != nil {
			return err
		}
		if err := s.VerifyProblems(ctx, problems.reporter(out, false)); err != nil {
			return err
		}
		var err error
		if headsBroken, err = verifyHeads(ctx, s, out); err != nil {
			return err
		}
	}
	if scope.problemID == "" {
		fmt.Fprintf(out, "%d cases, %d seals verified (%d from before the ledger, not hashed), %d broken\n",
			cases.owners, cases.seals, cases.legacy, cases.broken)
	}
	if scope.caseID == "" {
		fmt.Fprintf(out, "%d problems, %d seals verified (%d from before the ledger, not hashed), %d broken\n",
			problems.owners, problems.seals, problems.legacy, problems.broken)
	}
	if broken := cases.broken + problems.broken; broken > 0 {
		return fmt.Errorf("%w: %d of %d cases and problems", errLedgerBroken, broken, cases.owners+problems.owners)
	}
	if headsBroken {
		return fmt.Errorf("%w: a daily head", errLedgerBroken)
	}
	return nil
}

// verifyHeads checks the daily heads and prints the first broken day or a summary.
func verifyHeads(ctx context.Context, s *store.Store, out io.Writer) (broken bool, err error) {
	r, err := s.VerifyHeads(ctx)
	if err != nil {
		return false, err
	}
	if !r.OK {
		fmt.Fprintf(out, "BROKEN day %s: %s: %s\n", r.BrokenDay, r.Problem, r.Detail)
		return true, nil
	}
	if r.Days == 0 {
		fmt.Fprintln(out, "no daily heads yet")
	} else {
		fmt.Fprintf(out, "%d daily heads verified, through %s (head %s)\n", r.Days, r.Last, r.Head)
	}
	return false, nil
}
