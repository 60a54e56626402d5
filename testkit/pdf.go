package testkit

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// PDFs in tests are read and looked at with Debian's poppler-utils (pdftotext, pdftoppm), which
// scripts/ensure-chromium.sh installs with the browser.

// PDFText is the text of a PDF as pdftotext extracts it, in reading order.
func PDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	out := runPoppler(t, pdf, "pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	return string(out)
}

// PDFPageScreenshot renders page 1 of a PDF as artifacts/screenshots/<test>/<name>.png (at
// 110 dpi), beside the browser tests' screenshots, for a person to look at, and the PDF itself
// beside it as <name>.pdf; it returns the PNG's path.
func PDFPageScreenshot(t testing.TB, pdf []byte, name string) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(t), "artifacts", "screenshots", unsafeName.ReplaceAllString(t.Name(), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// pdftoppm names its output after a root and adds ".png" itself.
	root := filepath.Join(dir, unsafeName.ReplaceAllString(name, "_"))
	runPoppler(t, pdf, "pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", "-", root)
	if err := os.WriteFile(root+".pdf", pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	path := root + ".png"
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Fatalf("pdftoppm wrote no page: %v", err)
	}
	return path
}

// runPoppler runs a poppler tool on pdf (standard input) and returns its standard output.
func runPoppler(t testing.TB, pdf []byte, tool string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s is missing: run scripts/ensure-chromium.sh (installs poppler-utils)", tool)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Stdin = bytes.NewReader(pdf)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v: %s", tool, err, stderr.String())
	}
	return stdout.Bytes()
}
