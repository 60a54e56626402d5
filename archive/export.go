package archive

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// An export is the archive packages of the cases closed in a period, as one zip: each package
// as <case id>.zip, export.json naming the period and the cases, and SHA256SUMS over them all.
// VerifyFile checks an export or a single package.

// ExportFormat names the layout of an export.
const ExportFormat = "signoff-archive-export/1"

// ExportManifestName is an export's export.json.
const ExportManifestName = "export.json"

// ExportManifest is export.json.
type ExportManifest struct {
	Format string    `json:"format"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Cases  []string  `json:"cases"`
}

// Packaged is one case's package in an export.
type Packaged struct {
	CaseID  string
	Package []byte
}

// BuildExport packs the packages of the period [from, to) as one zip.
func BuildExport(from, to time.Time, pkgs []Packaged) ([]byte, error) {
	m := ExportManifest{Format: ExportFormat, From: from, To: to, Cases: []string{}}
	type entry struct {
		path string
		body []byte
	}
	var entries []entry
	for _, p := range pkgs {
		m.Cases = append(m.Cases, p.CaseID)
		entries = append(entries, entry{safeName(p.CaseID) + ".zip", p.Package})
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	entries = append([]entry{{ExportManifestName, append(manifest, '\n')}}, entries...)
	var sums strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&sums, "%s  %s\n", digest(e.body), e.path)
	}
	entries = append(entries, entry{SumsName, []byte(sums.String())})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.path, Method: zip.Store, Modified: to.UTC()})
		if err != nil {
			return nil, fmt.Errorf("export: %s: %w", e.path, err)
		}
		if _, err := w.Write(e.body); err != nil {
			return nil, fmt.Errorf("export: %s: %w", e.path, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return buf.Bytes(), nil
}

// VerifyFile checks an export or a single package with nothing but its bytes, and returns the
// manifests of the packages it holds.
func VerifyFile(b []byte) ([]Manifest, error) {
	files, err := checkSums(b)
	if err != nil {
		return nil, err
	}
	raw, isExport := files[ExportManifestName]
	if !isExport {
		m, err := Verify(b)
		if err != nil {
			return nil, err
		}
		return []Manifest{m}, nil
	}
	var em ExportManifest
	if err := json.Unmarshal(raw, &em); err != nil || em.Format != ExportFormat {
		return nil, fmt.Errorf("%w: %s is not an export manifest (%v)", ErrTampered, ExportManifestName, err)
	}
	if len(files) != len(em.Cases)+2 {
		return nil, fmt.Errorf("%w: the export holds %d files for %d cases", ErrTampered, len(files)-2, len(em.Cases))
	}
	var out []Manifest
	for _, id := range em.Cases {
		pkg, ok := files[safeName(id)+".zip"]
		if !ok {
			return nil, fmt.Errorf("%w: the package of %s is missing", ErrTampered, id)
		}
		m, err := Verify(pkg)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		if m.CaseID != id {
			return nil, fmt.Errorf("%w: %s.zip holds case %s", ErrTampered, id, m.CaseID)
		}
		out = append(out, m)
	}
	return out, nil
}

// checkSums reads a zip whose SHA256SUMS lists every other file exactly once, each with its
// digest, and returns its files by name.
func checkSums(b []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a zip file: %v", ErrTampered, err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return nil, fmt.Errorf("%w: %s is in the package twice", ErrTampered, f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrTampered, f.Name, err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrTampered, f.Name, err)
		}
		files[f.Name] = body
	}
	sums, ok := files[SumsName]
	if !ok {
		return nil, fmt.Errorf("%w: no %s", ErrTampered, SumsName)
	}
	listed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSuffix(string(sums), "\n"), "\n") {
		hexSum, path, ok := strings.Cut(line, "  ")
		if !ok || len(hexSum) != 64 {
			return nil, fmt.Errorf("%w: %s: malformed line %q", ErrTampered, SumsName, line)
		}
		if _, dup := listed[path]; dup {
			return nil, fmt.Errorf("%w: %s lists %s twice", ErrTampered, SumsName, path)
		}
		listed[path] = hexSum
	}
	for name, body := range files {
		if name == SumsName {
			continue
		}
		want, ok := listed[name]
		if !ok {
			return nil, fmt.Errorf("%w: %s is not in %s", ErrTampered, name, SumsName)
		}
		if got := digest(body); got != want {
			return nil, fmt.Errorf("%w: %s has SHA-256 %s, %s says %s", ErrTampered, name, got, SumsName, want)
		}
	}
	for path := range listed {
		if _, ok := files[path]; !ok {
			return nil, fmt.Errorf("%w: %s is missing", ErrTampered, path)
		}
	}
	return files, nil
}
