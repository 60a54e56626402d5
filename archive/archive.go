// Package archive writes and verifies the archive package of a closed case: what an auditor
// keeps after Temporal's history and perhaps Signoff's database are gone, and checks with nothing
// but the package itself.
//
// A package is a zip file holding
//
//	manifest.json       the case's facts, seals, digests, chain hash, policy version and route
//	                    explanation (Manifest), and every other file's path, size and SHA-256
//	voucher.pdf         the printed voucher (package voucher)
//	attachments/NN-NAME the case's attachments as uploaded, NN their order on the case
//	SHA256SUMS          "HEX  PATH" for every file above, in the format of sha256sum, so that
//	                    `sha256sum -c SHA256SUMS` in the unpacked folder checks it too
//
// Verify checks that SHA256SUMS lists every file exactly once and that each digest and the
// manifest's own list agree, so a changed, added, removed or renamed file is named. Files are
// stored uncompressed (the PDFs and images are compressed already), so every byte of their
// content is in the package as it is and covered by its digest; the zip's own bookkeeping (file
// times) is not part of what a package attests.
package archive

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Format names the layout of a package; a verifier refuses one it does not know.
const Format = "signoff-archive/1"

// The fixed names inside a package.
const (
	ManifestName = "manifest.json"
	VoucherName  = "voucher.pdf"
	SumsName     = "SHA256SUMS"
)

// Manifest is manifest.json. Facts, Seals and Route are the case as the service reads it at
// close (JSON, as the API answers it), kept as they are so the archive needs no schema of its own.
type Manifest struct {
	Format        string          `json:"format"`
	CaseID        string          `json:"case_id"`
	ClosedAt      time.Time       `json:"closed_at"`
	PolicyVersion int             `json:"policy_version"`
	ChainHash     string          `json:"chain_hash"` // "" while the ledger records no hash chain
	Facts         json.RawMessage `json:"facts"`
	Seals         json.RawMessage `json:"seals"`
	Route         json.RawMessage `json:"route"` // the chain's steps, each with why it is there
	Files         []File          `json:"files"` // every file but the manifest and SHA256SUMS
}

// File is one file of a package, as the manifest lists it.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Attachment is an attachment to pack.
type Attachment struct {
	Filename string
	Content  []byte
}

// Build packs a package from its manifest (Format and Files are filled here), the voucher and
// the attachments. The zip's file times are the case's close time, so that the same case packs
// to the same bytes with the same build.
func Build(m Manifest, voucherPDF []byte, attachments []Attachment) ([]byte, error) {
	m.Format = Format
	type entry struct {
		path string
		body []byte
	}
	entries := []entry{{VoucherName, voucherPDF}}
	for i, a := range attachments {
		entries = append(entries, entry{fmt.Sprintf("attachments/%02d-%s", i+1, safeName(a.Filename)), a.Content})
	}
	m.Files = nil
	for _, e := range entries {
		m.Files = append(m.Files, File{Path: e.path, Size: int64(len(e.body)), SHA256: digest(e.body)})
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("archive %s: manifest: %w", m.CaseID, err)
	}
	entries = append([]entry{{ManifestName, append(manifest, '\n')}}, entries...)
	var sums strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&sums, "%s  %s\n", digest(e.body), e.path)
	}
	entries = append(entries, entry{SumsName, []byte(sums.String())})

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.path, Method: zip.Store, Modified: m.ClosedAt.UTC()})
		if err != nil {
			return nil, fmt.Errorf("archive %s: %s: %w", m.CaseID, e.path, err)
		}
		if _, err := w.Write(e.body); err != nil {
			return nil, fmt.Errorf("archive %s: %s: %w", m.CaseID, e.path, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("archive %s: %w", m.CaseID, err)
	}
	return buf.Bytes(), nil
}

// safeName keeps an attachment's name readable inside the zip but never a path.
func safeName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 {
			return '_'
		}
		return r
	}, name)
	if name == "" || name == "." || name == ".." {
		return "file"
	}
	return name
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ErrTampered is what Verify's errors wrap when the package is not as it was written.
var ErrTampered = errors.New("archive package does not verify")

// Verify checks a package with nothing but its bytes and returns its manifest.
func Verify(pkg []byte) (Manifest, error) {
	files, err := checkSums(pkg)
	if err != nil {
		return Manifest{}, err
	}
	listed := map[string]bool{}
	for name := range files {
		if name != SumsName {
			listed[name] = true
		}
	}
	var m Manifest
	if err := json.Unmarshal(files[ManifestName], &m); err != nil {
		return Manifest{}, fmt.Errorf("%w: %s: %v", ErrTampered, ManifestName, err)
	}
	if m.Format != Format {
		return Manifest{}, fmt.Errorf("%w: format %q, want %q", ErrTampered, m.Format, Format)
	}
	// The manifest names the same files as SHA256SUMS, with the same digests and sizes.
	var inManifest []string
	for _, f := range m.Files {
		body, ok := files[f.Path]
		if !ok || f.Path == ManifestName || f.Path == SumsName || digest(body) != f.SHA256 || int64(len(body)) != f.Size {
			return Manifest{}, fmt.Errorf("%w: the manifest's %s does not match the file", ErrTampered, f.Path)
		}
		inManifest = append(inManifest, f.Path)
	}
	for path := range listed {
		if path != ManifestName && !slices.Contains(inManifest, path) {
			return Manifest{}, fmt.Errorf("%w: the manifest does not list %s", ErrTampered, path)
		}
	}
	return m, nil
}
