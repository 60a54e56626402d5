package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"net/http"
	"time"

	"signoff/apiclient"
	"signoff/demo"
	"signoff/store"
)

// demoClaim is a claim the demo files, and how far its signers take it.
type demoClaim struct {
	key       string
	submitter string
	claim     apiclient.Claim
	steps     []demoStep
	receipts  []string // file names of receipts to draw and attach
}

type demoStep struct {
	user, action string
	extra        map[string]any
}

// demoClaims leave the demo with something in every inbox: a claim waiting for a witness, one
// at the receiver, one at the department head, one returned to its submitter, and one paid.
func demoClaims(now time.Time) []demoClaim {
	day := now.Format("2006-01-02")
	line := func(desc, amount, invoice string) apiclient.Line {
		return apiclient.Line{SpentOn: day, Description: desc, Amount: amount, InvoiceNo: invoice}
	}
	return []demoClaim{
		{"demo-1", "zhang.wei", apiclient.Claim{Purpose: "北京客户拜访差旅", Category: "travel", BudgetLineID: "2026-sales-travel",
			Lines: []apiclient.Line{line("往返高铁票", "1106.00", "11010001"), line("酒店住宿两晚", "860.00", "11010002")},
			CC:    []string{"qian.li"}}, nil, []string{"高铁票.png", "酒店发票.png"}},
		{"demo-2", "xu.jing", apiclient.Claim{Purpose: "研发部办公用品补充", Category: "office", BudgetLineID: "2026-eng-office",
			Lines: []apiclient.Line{line("显示器支架 ×4", "796.00", "31010001"), line("白板笔与便签", "64.50", "31010002")}},
			[]demoStep{{"huang.lei", "approve", nil}}, nil},
		{"demo-3", "liu.yang", apiclient.Claim{Purpose: "华东区经销商年度会议招待", Category: "meals", BudgetLineID: "2026-sales-meals",
			Lines: []apiclient.Line{line("晚宴（12人）", "3500.00", "44010001")}},
			[]demoStep{{"li.na", "approve", nil}, {"sun.min", "approve", map[string]any{"comment": "招待标准符合规定"}}},
			[]string{"餐饮发票.png"}},
		{"demo-4", "zhang.wei", apiclient.Claim{Purpose: "上海展会差旅", Category: "travel", BudgetLineID: "2026-sales-travel",
			Lines: []apiclient.Line{line("机票", "680.00", "11020001")}},
			[]demoStep{{"li.na", "approve", nil}, {"zhou.jie", "return", map[string]any{"comment": "请补充登机牌照片"}}}, nil},
		{"demo-5", "huang.lei", apiclient.Claim{Purpose: "Go 并发编程培训", Category: "training", BudgetLineID: "2026-eng-training",
			Lines: []apiclient.Line{line("培训报名费", "2000.00", "55010001")}},
			[]demoStep{{"xu.jing", "approve", nil}, {"sun.min", "approve", nil}, {"chen.gang", "approve", nil},
				{"wu.xia", "pay", apiclient.Payment("DEMO-BANK-0001", now)}}, []string{"培训费发票.png"}},
	}
}

// seedDemo files the demo claims through the gateway, once: only into a database with no cases.
func seedDemo(ctx context.Context, s *store.Store, baseURL string, log *slog.Logger) error {
	if err := demo.SeedProcurement(ctx, s); err != nil {
		return fmt.Errorf("demo suppliers and materials: %w", err)
	}
	if err := demo.SeedRegistry(ctx, s); err != nil {
		return fmt.Errorf("demo registry: %w", err)
	}
	page, err := s.ListCases(ctx, store.Filter{Scope: store.ScopeAll, Limit: 1})
	if err != nil || len(page.Items) > 0 {
		return err
	}
	c := &apiclient.Client{Base: baseURL, HTTP: &http.Client{Timeout: 30 * time.Second}}
	if err := waitLive(ctx, c); err != nil {
		return err
	}
	tokens := map[string]string{}
	token := func(user string) (string, error) {
		if t, ok := tokens[user]; ok {
			return t, nil
		}
		t, err := c.Login(ctx, user, "signoff")
		tokens[user] = t
		return t, err
	}
	for _, d := range demoClaims(time.Now()) {
		tok, err := token(d.submitter)
		if err != nil {
			return fmt.Errorf("demo login %s: %w", d.submitter, err)
		}
		for i, name := range d.receipts {
			id, err := c.Upload(ctx, tok, name, demoReceipt(i))
			if err != nil {
				return fmt.Errorf("demo %s receipt: %w", d.key, err)
			}
			d.claim.Attachments = append(d.claim.Attachments, id)
		}
		cs, err := c.Submit(ctx, tok, d.key, d.claim)
		if err != nil {
			return fmt.Errorf("demo %s: %w", d.key, err)
		}
		for _, st := range d.steps {
			if tok, err = token(st.user); err != nil {
				return fmt.Errorf("demo login %s: %w", st.user, err)
			}
			if cs, err = c.Act(ctx, tok, cs.ID, st.action, cs.Revision, st.extra); err != nil {
				return fmt.Errorf("demo %s %s by %s: %w", d.key, st.action, st.user, err)
			}
		}
		log.Info("demo case", "id", cs.ID, "status", cs.Status)
	}
	if err := seedDemoPurchases(ctx, c, token, log); err != nil {
		return err
	}
	return seedDemoProblems(ctx, c, token, log)
}

// demoReceipt draws a small receipt-like PNG: a paper-coloured slip with ruled lines.
func demoReceipt(variant int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 240, 320))
	paper := color.RGBA{R: 252, G: 248, B: 236, A: 255}
	ink := color.RGBA{R: uint8(40 + 60*variant%200), G: 90, B: 160, A: 255}
	for y := range 320 {
		for x := range 240 {
			c := paper
			if (y > 40 && y%24 == 0 && x > 20 && x < 220) || y < 6 || y > 313 {
				c = ink
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // encoding to memory does not fail
	return buf.Bytes()
}

func waitLive(ctx context.Context, c *apiclient.Client) error {
	for i := 0; ; i++ {
		err := c.Call(ctx, "", http.MethodGet, "/livez", nil, nil)
		if err == nil || i == 50 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
