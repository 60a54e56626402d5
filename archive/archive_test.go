package archive_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"signoff/archive"
)

func sample(t *testing.T) []byte {
	t.Helper()
	m := archive.Manifest{
		CaseID: "EXP-2026-000123", ClosedAt: time.Date(2026, 11, 3, 16, 40, 0, 0, time.UTC), PolicyVersion: 3,
		Facts: json.RawMessage(`{"purpose":"差旅","amount":"1234.50"}`),
		Seals: json.RawMessage(`[{"seq":1,"role":"handler","decision":"submitted"}]`),
		Route: json.RawMessage(`[{"key":"witness","reason":"every claim"}]`),
	}
	pkg, err := archive.Build(m, []byte("%PDF-1.4 voucher"), []archive.Attachment{
		{Filename: "高铁票.pdf", Content: []byte("%PDF-1.4 ticket")},
		{Filename: "../../etc/passwd", Content: []byte("not a path")},
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// contents are a package's files by name.
func contents(t *testing.T, pkg []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(b)
	}
	return out
}

func TestBuildThenVerify(t *testing.T) {
	pkg := sample(t)
	m, err := archive.Verify(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if m.CaseID != "EXP-2026-000123" || m.Format != archive.Format || len(m.Files) != 3 {
		t.Errorf("manifest = %+v", m)
	}
	files := contents(t, pkg)
	for _, name := range []string{"manifest.json", "voucher.pdf", "attachments/01-高铁票.pdf", "attachments/02-.._.._etc_passwd", "SHA256SUMS"} {
		if _, ok := files[name]; !ok {
			t.Errorf("package lacks %s: has %v", name, files)
		}
	}
	if again := sample(t); !bytes.Equal(again, pkg) {
		t.Error("the same case packs to different bytes")
	}
}

// rezip writes files (in the given order) as a package would be.
func rezip(t *testing.T, names []string, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVerifyNamesWhatWasTamperedWith(t *testing.T) {
	orig := contents(t, sample(t))
	names := []string{"manifest.json", "voucher.pdf", "attachments/01-高铁票.pdf", "attachments/02-.._.._etc_passwd", "SHA256SUMS"}
	for _, tt := range []struct {
		name   string
		change func(map[string]string) []string
		want   string
	}{
		{"a changed voucher", func(f map[string]string) []string { f["voucher.pdf"] = "%PDF-1.4 vouchex"; return names }, "voucher.pdf"},
		{"a changed amount in the manifest", func(f map[string]string) []string {
			f["manifest.json"] = strings.Replace(f["manifest.json"], "1234.50", "9234.50", 1)
			return names
		}, "manifest.json"},
		{"a removed attachment", func(f map[string]string) []string { return []string{names[0], names[1], names[3], names[4]} }, "attachments/01-高铁票.pdf is missing"},
		{"an added file", func(f map[string]string) []string { f["extra.txt"] = "x"; return append(names, "extra.txt") }, "extra.txt"},
		{"sums rewritten to match a swapped attachment", func(f map[string]string) []string {
			f["attachments/01-高铁票.pdf"] = "other"
			sum := sha256.Sum256([]byte("other"))
			f["SHA256SUMS"] = strings.Replace(f["SHA256SUMS"], strings.Fields(f["SHA256SUMS"])[4], hex.EncodeToString(sum[:]), 1)
			return names
		}, "the manifest's attachments/01-高铁票.pdf does not match"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range orig {
				files[k] = v
			}
			_, err := archive.Verify(rezip(t, tt.change(files), files))
			if !errors.Is(err, archive.ErrTampered) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify = %v, want a tamper naming %q", err, tt.want)
			}
		})
	}
}

// TestVerifyRefusesEveryOneByteChangeOfContent: flipping any one byte of the package either
// makes it fail to verify or leaves every file as it was (a byte of the zip's bookkeeping).
func TestVerifyRefusesEveryOneByteChangeOfContent(t *testing.T) {
	pkg := sample(t)
	orig := contents(t, pkg)
	refused := 0
	for i := range pkg {
		changed := bytes.Clone(pkg)
		changed[i] ^= 0x01
		if _, err := archive.Verify(changed); err != nil {
			refused++
			continue
		}
		got := contents(t, changed)
		for name, body := range orig {
			if got[name] != body {
				t.Fatalf("byte %d changed %s and the package still verifies", i, name)
			}
		}
	}
	if refused < len(pkg)/2 {
		t.Errorf("only %d of %d one-byte changes refused", refused, len(pkg))
	}
}

func TestExportHoldsEveryPackageAndVerifiesOffline(t *testing.T) {
	one := sample(t)
	two, err := archive.Build(archive.Manifest{CaseID: "EXP-2026-000124", ClosedAt: time.Date(2026, 11, 4, 9, 0, 0, 0, time.UTC),
		Facts: json.RawMessage(`{}`), Seals: json.RawMessage(`[]`), Route: json.RawMessage(`[]`)}, []byte("%PDF-1.4 v2"), nil)
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	exp, err := archive.BuildExport(from, to, []archive.Packaged{{CaseID: "EXP-2026-000123", Package: one}, {CaseID: "EXP-2026-000124", Package: two}})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := archive.VerifyFile(exp)
	if err != nil || len(ms) != 2 || ms[0].CaseID != "EXP-2026-000123" || ms[1].CaseID != "EXP-2026-000124" {
		t.Fatalf("VerifyFile(export) = %+v, %v", ms, err)
	}
	if ms, err := archive.VerifyFile(one); err != nil || len(ms) != 1 {
		t.Fatalf("VerifyFile(package) = %+v, %v", ms, err)
	}
	// One byte of the second case's voucher, inside the export.
	i := bytes.Index(exp, []byte("%PDF-1.4 v2"))
	exp[i+len("%PDF-1.4 v")] = '3'
	if _, err := archive.VerifyFile(exp); !errors.Is(err, archive.ErrTampered) {
		t.Errorf("a changed export verifies: %v", err)
	}
}
