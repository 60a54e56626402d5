package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"signoff/apiclient"
)

// demoProblem is a production problem the demo raises, and how far the control center and the
// responsible side take it.
type demoProblem struct {
	raiser string
	body   map[string]any
	dept   string
	rep    string
	steps  []string // after publication: solve, verify
}

func demoProblems() []demoProblem {
	p := func(title, desc, model, batch, bom, line, severity string) map[string]any {
		return map[string]any{"title": title, "description": desc, "model": model, "batch": batch,
			"bom_node": bom, "line": line, "severity": severity}
	}
	return []demoProblem{
		{"tian.yu", p("XH-7 总装扭矩超差", "总装一线第三批 12 台扭矩超差，已隔离", "XH-7", "B2026-11", "1.2.3 机匣组件", "总装一线", "high"),
			"engineering", "huang.lei", nil},
		{"lu.qing", p("来料轴承游隙不合格", "入厂检验抽检 5 件中 2 件游隙超上限", "XH-7", "B2026-11", "1.4 传动组件", "检验站", "urgent"),
			"warehouse", "he.ping", []string{"solve"}},
		{"tian.yu", p("工装定位销磨损", "二号工装定位销磨损导致装配偏差", "XH-9", "B2026-09", "2.1 支架", "总装二线", "normal"),
			"production", "tian.yu", []string{"solve", "verify"}},
		{"huang.lei", p("图纸版本与工艺卡不一致", "工艺卡引用 C 版图纸，现行为 D 版", "XH-9", "B2026-10", "2.3 壳体", "机加车间", "low"),
			"", "", nil},
	}
}

// seedDemoProblems raises the demo problems through the gateway; the dispatcher publishes all
// but the last, and some are solved and verified, so boards and the role board show every state.
func seedDemoProblems(ctx context.Context, c *apiclient.Client, token func(string) (string, error), log *slog.Logger) error {
	for _, d := range demoProblems() {
		tok, err := token(d.raiser)
		if err != nil {
			return err
		}
		var p struct {
			ID       string `json:"id"`
			Revision int    `json:"revision"`
			Status   string `json:"status"`
		}
		if err := c.Call(ctx, tok, http.MethodPost, "/api/v1/problems", d.body, &p); err != nil {
			return fmt.Errorf("demo problem %q: %w", d.body["title"], err)
		}
		act := func(user, action string, body map[string]any) error {
			tok, err := token(user)
			if err != nil {
				return err
			}
			body["revision"] = p.Revision
			if err := c.Call(ctx, tok, http.MethodPost, "/api/v1/problems/"+p.ID+"/actions/"+action, body, &p); err != nil {
				return fmt.Errorf("demo problem %s %s by %s: %w", p.ID, action, user, err)
			}
			return nil
		}
		if d.dept != "" {
			err := act("liu.yang", "publish", map[string]any{"assignments": []any{
				map[string]any{"department": d.dept, "representatives": []string{d.rep}}}})
			if err != nil {
				return err
			}
		}
		for _, step := range d.steps {
			user := d.rep
			if step == "verify" {
				user = d.raiser
				if user == d.rep {
					user = "liu.yang" // who solved it may not verify it: the center does
				}
			}
			if err := act(user, step, map[string]any{"comment": "演示数据"}); err != nil {
				return err
			}
		}
		log.Info("demo problem", "id", p.ID, "status", p.Status)
	}
	return nil
}
