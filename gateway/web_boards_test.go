package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"signoff/store"
)

// seedBoardProblem writes a published problem straight into the store, as its workflow would.
func seedBoardProblem(t *testing.T, h *harness, model, batch, node, status string, depts, reps []string,
	published, due, closed time.Time, escalated ...time.Time) string {
	t.Helper()
	ctx := context.Background()
	st := h.stack.Store
	id, err := st.CreateProblem(ctx, store.NewProblem{Year: 2026, Title: "看板问题 " + model, Description: "看板",
		Model: model, Batch: batch, BOMNode: node, Severity: "high", RaisedBy: "zhang.wei", PolicyVersion: h.stack.Version})
	if err != nil {
		t.Fatal(err)
	}
	onTime := status == "closed" && !closed.After(due)
	rows := []store.KPIRow{{Dimension: "center", DueAt: due, OnTime: onTime}}
	for _, d := range depts {
		rows = append(rows, store.KPIRow{Dimension: "department", Key: d, DueAt: due, OnTime: onTime})
	}
	for _, r := range reps {
		rows = append(rows, store.KPIRow{Dimension: "representative", Key: r, DueAt: due, OnTime: onTime})
	}
	var seals []store.ProblemSeal
	for i, at := range escalated {
		seals = append(seals, store.ProblemSeal{Seq: i + 1, Decision: "escalated", Actor: "system", At: at})
	}
	seals = append(seals, store.ProblemSeal{Seq: len(seals) + 1, Decision: status, Actor: "liu.yang", At: published})
	err = st.RecordProblem(ctx, store.ProblemRecord{
		Snapshot: store.ProblemSnapshot{ID: id, Status: status, Departments: depts, Representatives: reps, DueAt: due,
			OriginalDueAt: due, PublishedAt: published, ClosedAt: closed, Escalations: len(escalated),
			Seq: len(seals), Revision: len(seals), State: json.RawMessage(`{}`)},
		Seals: seals, KPI: rows,
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// seedBoards writes three problems around now:
//
//	open:    engineering, XH-7 B1/1.1, 2h old, overdue by 1h
//	on time: engineering + warehouse (huang.lei), XH-7 B1/1.2, closed 2h ago, due 1h ago
//	late:    warehouse, XH-9 B2, 30h old, closed 1h ago, due 3h ago, escalated 2h ago
//
// Due in the days around now: center 1 of 3, engineering 1 of 2, warehouse 1 of 2.
func seedBoards(t *testing.T, h *harness) time.Time {
	now := time.Now().Truncate(time.Second)
	hr := time.Hour
	seedBoardProblem(t, h, "XH-7", "B1", "1.1", "in_progress", []string{"engineering"}, nil, now.Add(-2*hr), now.Add(-hr), time.Time{})
	seedBoardProblem(t, h, "XH-7", "B1", "1.2", "closed", []string{"engineering", "warehouse"}, []string{"huang.lei"},
		now.Add(-5*hr), now.Add(-hr), now.Add(-2*hr))
	seedBoardProblem(t, h, "XH-9", "B2", "", "closed", []string{"warehouse"}, nil,
		now.Add(-30*hr), now.Add(-3*hr), now.Add(-hr), now.Add(-2*hr))
	return now
}

// aroundNow is a custom period of the days around now, in the demo policy's timezone.
func aroundNow(now time.Time) string {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return url.Values{"period": {"custom"}, "from": {now.In(loc).AddDate(0, 0, -2).Format(time.DateOnly)},
		"to": {now.In(loc).AddDate(0, 0, 2).Format(time.DateOnly)}}.Encode()
}

func TestBoardAPI(t *testing.T) {
	h := newHarness(t)
	now := seedBoards(t, h)

	c := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/boards/center", User: "liu.yang"}), http.StatusOK, "")
	if c.num("open") != 1 || c.num("overdue") != 1 || c.num("escalations_total") != 1 || c.num("closed") != 2 {
		t.Errorf("center board = %v", c.Body)
	}
	ages, _ := c.Body["ages"].([]any)
	if len(ages) != 4 || ages[0].(map[string]any)["n"].(float64) != 1 {
		t.Errorf("ages = %v, want one open problem under a day old", ages)
	}
	depts, _ := c.Body["departments"].([]any)
	if len(depts) != 1 || depts[0].(map[string]any)["key"] != "engineering" || depts[0].(map[string]any)["overdue"].(float64) != 1 {
		t.Errorf("departments = %v, want engineering with one overdue", depts)
	}
	if trend, _ := c.Body["trend"].([]any); len(trend) != 12 {
		t.Errorf("trend has %d weeks, want 12", len(trend))
	}

	m := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/boards/models?" + aroundNow(now), User: "liu.yang"}), http.StatusOK, "")
	models, _ := m.Body["models"].([]any)
	if len(models) != 2 {
		t.Fatalf("models = %v", m.Body)
	}
	x7 := models[0].(map[string]any)
	if x7["model"] != "XH-7" || x7["open"].(float64) != 1 || x7["closed"].(float64) != 1 || x7["due"].(float64) != 2 ||
		x7["rate"] != "50.0%" || x7["href"] != "/problems?model=XH-7" {
		t.Errorf("XH-7 = %v", x7)
	}

	e := h.must(h.do(call{Method: http.MethodGet, Path: "/api/v1/boards/execution", User: "liu.yang"}), http.StatusOK, "")
	batches, _ := e.Body["batches"].([]any)
	if len(batches) != 1 || batches[0].(map[string]any)["batch"] != "B1" || batches[0].(map[string]any)["overdue"].(float64) != 1 {
		t.Errorf("batches = %v, want B1 with its overdue problem", batches)
	}
}

var boardRawKey = regexp.MustCompile(`\bui\.[a-z_]+\.[a-z_.]+`)

// boardPageOK checks a page renders, says everything in words and runs no inline script.
func boardPageOK(t *testing.T, name string, p webPage) {
	t.Helper()
	if p.Status != http.StatusOK {
		t.Fatalf("%s: status %d\n%s", name, p.Status, p.Body)
	}
	if k := boardRawKey.FindString(p.Body); k != "" {
		t.Errorf("%s shows a raw catalogue key %q", name, k)
	}
	if strings.Contains(p.Body, "<script>") || strings.Contains(p.Body, " style=") || strings.Contains(p.Body, "onclick=") {
		t.Errorf("%s has an inline script or style", name)
	}
}

// attrOf is an attribute's value, "" when missing.
func attrOf(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}

func TestBoardPages(t *testing.T) {
	h := newHarness(t)
	now := seedBoards(t, h)
	b := h.browser()
	b.signIn("liu.yang")

	center := b.get("/boards/center")
	boardPageOK(t, "center board", center)
	board := byID(center.Doc, "board")
	if board == nil || attrOf(board, "data-src") != "/boards/center.json" || attrOf(board, "data-refresh") != "60" {
		t.Fatalf("the big screen has no board config")
	}
	var labels map[string]string
	if err := json.Unmarshal([]byte(attrOf(board, "data-labels")), &labels); err != nil || labels["overdue"] == "" {
		t.Errorf("labels = %q (%v)", attrOf(board, "data-labels"), err)
	}
	for _, asset := range []string{"echarts.min.js", "board.js"} {
		if !strings.Contains(center.Body, `src="/static/`+asset+`?v=`) {
			t.Errorf("center board does not load %s by its versioned URL", asset)
		}
	}
	js := b.get("/static/echarts.min.js?v=x")
	if js.Status != http.StatusOK || !strings.Contains(js.Header.Get("Content-Type"), "javascript") || len(js.Body) < 500_000 {
		t.Errorf("echarts: %d %s, %d bytes", js.Status, js.Header.Get("Content-Type"), len(js.Body))
	}
	data := b.get("/boards/center.json")
	if data.Status != http.StatusOK || !strings.Contains(data.Body, `"overdue":1`) {
		t.Errorf("center data: %d %s", data.Status, data.Body)
	}

	models := b.get("/boards/models?" + aroundNow(now))
	boardPageOK(t, "model board", models)
	if !strings.Contains(models.Body, `href="/problems?model=XH-7"`) {
		t.Error("the model board does not drill into the model's problems")
	}
	exec := b.get("/boards/execution")
	boardPageOK(t, "execution board", exec)
	if !strings.Contains(exec.Body, `href="/problems?batch=B1&amp;bom_node=1.1"`) {
		t.Error("the execution board does not drill into a BOM node's problems")
	}

	kpiPage := b.get("/kpi?" + aroundNow(now))
	boardPageOK(t, "assessment", kpiPage)
	rate := byID(kpiPage.Doc, "center-rate")
	if rate == nil || textOf(rate) != "33.3%" {
		t.Fatalf("center rate = %v, want 33.3%%", rate)
	}
	href := attrOf(rate, "href")
	if !strings.HasPrefix(href, "/kpi/problems?") || !strings.Contains(href, "dimension=center") {
		t.Fatalf("center rate links to %q", href)
	}
	var deptLinks int
	walk(byID(kpiPage.Doc, "rates-departments"), func(n *html.Node) {
		if n.Data == "a" && strings.Contains(attrOf(n, "href"), "dimension=department") {
			deptLinks++
		}
	})
	if deptLinks != 6 { // two departments × due, on time, rate
		t.Errorf("department numbers with drill-downs = %d, want 6", deptLinks)
	}
	behind := b.get(href)
	boardPageOK(t, "drill-down", behind)
	rows := 0
	walk(byID(behind.Doc, "behind"), func(n *html.Node) {
		if n.Data == "tr" {
			rows++
		}
	})
	if rows != 4 { // the header and three problems
		t.Errorf("drill-down rows = %d, want 3 problems", rows-1)
	}
	dept := b.get("/kpi/problems?dimension=department&key=warehouse&" + aroundNow(now))
	boardPageOK(t, "department drill-down", dept)
	if r := byID(dept.Doc, "behind-rate"); r == nil || textOf(r) != "50.0%" {
		t.Errorf("warehouse drill-down rate = %v", r)
	}

	csv := b.get("/kpi/export.csv?" + aroundNow(now))
	if csv.Status != http.StatusOK || !strings.Contains(csv.Body, "center,,,3,1,33.3%") {
		t.Errorf("csv: %d %s", csv.Status, csv.Body)
	}
}

func TestKPIExportXLSX(t *testing.T) {
	h := newHarness(t)
	now := seedBoards(t, h)
	b := h.browser()
	b.signIn("liu.yang")
	x := b.get("/kpi/export.xlsx?" + aroundNow(now))
	if x.Status != http.StatusOK || !strings.Contains(x.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("xlsx: %d %v", x.Status, x.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 2 {
		t.Fatalf("sheets = %v, want rates and problems", sheets)
	}
	rates, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	// Header, center, engineering, warehouse, huang.lei.
	if len(rates) != 5 {
		t.Fatalf("rate rows = %v", rates)
	}
	if c := rates[1]; c[3] != "3" || c[4] != "1" {
		t.Errorf("center row = %v, want 3 due, 1 on time", c)
	}
	if w := rates[3]; w[1] != "warehouse" || w[3] != "2" || w[4] != "1" || w[5] != "0.5" {
		t.Errorf("warehouse row = %v, want 2 due, 1 on time, 50%%", w)
	}
	problems, err := f.GetRows(sheets[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 4 || !strings.HasPrefix(problems[1][0], "PRB-2026-") {
		t.Errorf("problem rows = %v, want the header and three problems", problems)
	}
}
