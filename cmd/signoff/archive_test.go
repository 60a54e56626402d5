package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"signoff/archive"
	"signoff/store"
	"signoff/testkit"
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

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// TestArchiveExportOfAPeriod: the export holds the packages of the cases closed in the period,
// and nothing else, and verifies offline.
func TestArchiveExportOfAPeriod(t *testing.T) {
	db := testkit.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	closed := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	var ids []string
	for i, at := range []time.Time{closed, closed.AddDate(0, 1, 0)} { // November, December
		c, _, err := db.Store.CreateCase(ctx, store.NewCase{Prefix: "EXP", Year: 2026, Kind: "expense", Title: "出差",
			Purpose: "拜访客户", Category: "travel", DepartmentID: "sales", BudgetLineID: "2026-sales-travel",
			Amount: int64(1000 * (i + 1)), Currency: "CNY", SubmitterID: "zhang.wei", PolicyVersion: db.Version,
			Lines: []store.Line{{Description: "机票", Amount: int64(1000 * (i + 1))}}, AllowOverBudget: true})
		if err != nil {
			t.Fatal(err)
		}
		pkg, err := archive.Build(archive.Manifest{CaseID: c.ID, ClosedAt: at, Facts: json.RawMessage(`{}`),
			Seals: json.RawMessage(`[]`), Route: json.RawMessage(`[]`)}, []byte("%PDF-1.4 "+c.ID), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Store.InsertArchive(ctx, c.ID, at, pkg); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	path := filepath.Join(t.TempDir(), "november.zip")
	n, err := exportArchives(ctx, db.Store, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), path)
	if err != nil || n != 1 {
		t.Fatalf("export = %d cases, %v; want November's one", n, err)
	}
	var out bytes.Buffer
	if err := verifyArchive(&out, path); err != nil || !strings.Contains(out.String(), ids[0]) || strings.Contains(out.String(), ids[1]) {
		t.Fatalf("verify export = %v: %s", err, out.String())
	}
}
