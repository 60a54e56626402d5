package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"signoff/archive"
)

const archiveUsage = `usage: signoff archive verify FILE

  verify FILE  check an archive package (a closed case's zip: manifest.json, voucher.pdf,
               attachments/, SHA256SUMS) with nothing but the file itself: no database, no
               configuration. Exit status 0 when every file matches its digest, 1 naming the
               first one that does not.
`

// runArchive is `signoff archive`; it reads no configuration.
func runArchive(args []string) error {
	fs := flag.NewFlagSet("archive", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(os.Stderr, archiveUsage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 || fs.Arg(0) != "verify" {
		fs.Usage()
		return flag.ErrHelp
	}
	return verifyArchive(os.Stdout, fs.Arg(1))
}

// verifyArchive checks the package at path and says what it holds.
func verifyArchive(w io.Writer, path string) error {
	pkg, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("archive verify: %w", err)
	}
	m, err := archive.Verify(pkg)
	if err != nil {
		return fmt.Errorf("archive verify %s: %w", path, err)
	}
	fmt.Fprintf(w, "%s: OK: case %s closed %s, policy version %d, %d files verified\n",
		path, m.CaseID, m.ClosedAt.Format("2006-01-02T15:04:05Z07:00"), m.PolicyVersion, len(m.Files)+1)
	return nil
}
