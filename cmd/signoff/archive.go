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

	"signoff/archive"
	"signoff/config"
	"signoff/store"
)

const archiveUsage = `usage: signoff archive verify FILE
       signoff archive export --from DATE --to DATE [-o FILE]

  verify FILE  check an archive package (a closed case's zip: manifest.json, voucher.pdf,
               attachments/, SHA256SUMS) or an export of them with nothing but the file
               itself: no database, no configuration. Exit status 0 when every file matches
               its digest, 1 naming the first one that does not.
  export       write the packages of the cases closed in [--from, --to) as one zip (dates as
               2026-11-01 in UTC, or RFC 3339 times); -o names the file (default
               signoff-archive-FROM-TO.zip).
`

// runArchiveVerify is `signoff archive verify FILE`; it reads no configuration.
func runArchiveVerify(args []string) error {
	if len(args) != 1 {
		fmt.Fprint(os.Stderr, archiveUsage)
		return flag.ErrHelp
	}
	return verifyArchive(os.Stdout, args[0])
}

// verifyArchive checks the package or export at path and says what it holds.
func verifyArchive(w io.Writer, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("archive verify: %w", err)
	}
	ms, err := archive.VerifyFile(b)
	if err != nil {
		return fmt.Errorf("archive verify %s: %w", path, err)
	}
	for _, m := range ms {
		fmt.Fprintf(w, "%s: OK: case %s closed %s, policy version %d, %d files verified\n",
			path, m.CaseID, m.ClosedAt.Format(time.RFC3339), m.PolicyVersion, len(m.Files)+1)
	}
	if len(ms) == 0 {
		fmt.Fprintf(w, "%s: OK: an export of no cases\n", path)
	}
	return nil
}

// runArchive is `signoff archive export`.
func runArchive(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprint(os.Stderr, archiveUsage)
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("archive export", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, archiveUsage) }
	fromS := fs.String("from", "", "first day or time of the period (inclusive)")
	toS := fs.String("to", "", "end of the period (exclusive)")
	out := fs.String("o", "", "the zip to write")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	from, err1 := parseWhen(*fromS)
	to, err2 := parseWhen(*toS)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("archive export: %w", err)
	}
	if !from.Before(to) {
		return fmt.Errorf("archive export: --from %s is not before --to %s", *fromS, *toS)
	}
	s, err := store.Open(ctx, cfg.Database.URL, 2)
	if err != nil {
		return err
	}
	defer s.Close()
	path := *out
	if path == "" {
		path = fmt.Sprintf("signoff-archive-%s-%s.zip", from.Format("20060102"), to.Format("20060102"))
	}
	n, err := exportArchives(ctx, s, from, to, path)
	if err != nil {
		return err
	}
	log.Info("archive export", "from", from, "to", to, "cases", n, "file", path)
	return nil
}

// exportArchives writes the packages of the cases closed in [from, to) to path.
func exportArchives(ctx context.Context, s *store.Store, from, to time.Time, path string) (int, error) {
	kept, err := s.Archives(ctx, from, to)
	if err != nil {
		return 0, err
	}
	pkgs := make([]archive.Packaged, 0, len(kept))
	for _, a := range kept {
		pkgs = append(pkgs, archive.Packaged{CaseID: a.CaseID, Package: a.Package})
	}
	b, err := archive.BuildExport(from, to, pkgs)
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return 0, fmt.Errorf("archive export: %w", err)
	}
	return len(pkgs), nil
}

// parseWhen reads a day (midnight UTC) or an RFC 3339 time.
func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a date (2026-11-01) nor an RFC 3339 time", s)
	}
	return t, nil
}
