package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"signoff/apiclient"
)

// demoPurchase is a purchase request the demo files, and how far its chain goes.
type demoPurchase struct {
	key   string
	body  map[string]any
	steps []string // who approves, in order
}

// demoPurchases: one request countersigned and ordered, waiting for the keeper to receive it;
// one waiting at the countersign for legal and audit.
func demoPurchases(now time.Time) []demoPurchase {
	request := func(purpose, contract string, items ...map[string]any) map[string]any {
		return map[string]any{
			"purpose": purpose, "category": "equipment", "budget_line_id": "2026-eng-equipment",
			"supplier_id": "SUP-HUAXIN", "plan_id": "PLAN-2026-ENG",
			"delivery_date": now.AddDate(0, 0, 21).Format(time.DateOnly), "items": items,
			"contract": map[string]any{"no": contract, "payment_terms": "验收合格后30日内付款",
				"delivery_terms": "送货上门，含安装调试", "warranty": "整机三年"},
		}
	}
	line := func(material, qty, price string) map[string]any {
		return map[string]any{"material_id": material, "quantity": qty, "unit_price": price}
	}
	return []demoPurchase{
		{"demo-pr-1", request("研发测试平台扩容：笔记本与显示器", "HT-2026-101", line("MAT-LAPTOP", "3", "8000.00"), line("MAT-MONITOR", "4", "1500.00")),
			[]string{"sun.min", "chen.gang", "qian.li", "lin.feng", "ma.lan", "qian.li", "chen.gang"}},
		{"demo-pr-2", request("新员工入职配置笔记本", "HT-2026-102", line("MAT-LAPTOP", "2", "7800.00")),
			[]string{"zhou.jie", "chen.gang", "qian.li", "qian.li", "chen.gang"}},
	}
}

// seedDemoPurchases files the demo purchase requests through the gateway, with a contract
// document each, and takes them through their chains as far as the demo says.
func seedDemoPurchases(ctx context.Context, c *apiclient.Client, token func(string) (string, error), log *slog.Logger) error {
	for _, d := range demoPurchases(time.Now()) {
		tok, err := token("huang.lei")
		if err != nil {
			return err
		}
		doc, err := c.Upload(ctx, tok, d.body["contract"].(map[string]any)["no"].(string)+".pdf", demoContract(d.key))
		if err != nil {
			return fmt.Errorf("demo %s contract: %w", d.key, err)
		}
		d.body["contract"].(map[string]any)["attachment_id"] = doc
		var cs apiclient.Case
		if err := c.Call(ctx, tok, http.MethodPost, "/api/v1/purchase-requests", d.body, &cs, "Idempotency-Key", d.key); err != nil {
			return fmt.Errorf("demo %s: %w", d.key, err)
		}
		for _, user := range d.steps {
			if tok, err = token(user); err != nil {
				return err
			}
			if cs, err = c.Act(ctx, tok, cs.ID, "approve", cs.Revision, nil); err != nil {
				return fmt.Errorf("demo %s approve by %s: %w", d.key, user, err)
			}
		}
		log.Info("demo purchase", "id", cs.ID, "status", cs.Status)
	}
	return nil
}

// demoContract is a one-page PDF standing for a signed contract.
func demoContract(title string) []byte {
	content := fmt.Sprintf("BT /F1 18 Tf 72 720 Td (Purchase contract %s) Tj ET", title)
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	out := []byte("%PDF-1.4\n")
	var offsets []int
	for i, o := range objects {
		offsets = append(offsets, len(out))
		out = append(out, fmt.Sprintf("%d 0 obj\n%s\nendobj\n", i+1, o)...)
	}
	xref := len(out)
	out = append(out, fmt.Sprintf("xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)...)
	for _, off := range offsets {
		out = append(out, fmt.Sprintf("%010d 00000 n \n", off)...)
	}
	out = append(out, fmt.Sprintf("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)...)
	return out
}
