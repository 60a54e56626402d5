package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"signoff/archive"
)

// TestArchiveVerifyOffline: `signoff archive verify FILE` accepts a package as written and
// refuses it after one byte of its voucher changes, with nothing but the file.
func TestArchiveVerifyOffline(t *testing.T) {
	pkg, err := archive.Build(archive.Manifest{CaseID: "EXP-2026-000001", ClosedAt: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC),
		PolicyVersion: 1, Facts: json.RawMessage(`{}`), Seals: json.RawMessage(`[]`), Route: json.RawMessage(`[]`)},
		[]byte("%PDF-1.4 the voucher"), nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "EXP-2026-000001.zip")
	if err := os.WriteFile(path, pkg, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := verifyArchive(&out, path); err != nil || !strings.Contains(out.String(), "OK: case EXP-2026-000001") {
		t.Fatalf("verify = %v, %q", err, out.String())
	}
	i := bytes.Index(pkg, []byte("the voucher"))
	pkg[i] = 'T'
	if err := os.WriteFile(path, pkg, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := verifyArchive(&out, path); err == nil || !strings.Contains(err.Error(), "voucher.pdf") {
		t.Errorf("verify of a changed package = %v, want it refused naming voucher.pdf", err)
	}
}
