package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/kpi"
	"signoff/service"
)

// The boards (看板): the control center's big screen (planning level: the whole enterprise), the
// model board (型号管理层) and the execution board (订单执行层: batches down the BOM). Their
// figures come from the store's board queries, whose definitions are the kpi package's (see
// kpi/board.go): open means published and not closed (solved but not verified is open), overdue
// means open and due before now, every count over the problems that count (published, neither
// rejected nor merged). The same JSON feeds the API (/api/v1/boards/…) and the big screen's
// refresh (/boards/center.json: the API's handler under the web session, which the gateway
// mounts). Every figure carries the link to the problems behind it: the KPI drill-down for a
// rate, a problems list for a count. The service reads them; these handlers only render them.

// boardRefreshSeconds is how often the big screen re-reads its figures.
const boardRefreshSeconds = 60

// boardPages mounts the boards and the assessment pages.
func (s *server) boardPages(r chi.Router) {
	r.Get("/boards/center", s.boardCenterPage)
	r.Get("/boards/models", s.boardModelsPage)
	r.Get("/boards/execution", s.boardExecutionPage)
	s.kpiPages(r)
}

// centerBoardPage is what the big screen's template reads.
type centerBoardPage struct {
	Board   service.CenterBoard
	Src     string // the JSON the script re-reads
	Refresh int
	TZ      string // the policy's timezone, in which the script writes the time of the figures
	Labels  string // the charts' words in the reader's language, as JSON
}

func (s *server) boardCenterPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.board.center.title")
	b, err := s.svc.CenterBoard(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	labels := map[string]string{}
	for _, k := range []string{"open", "overdue", "not_overdue", "rate", "due", "on_time", "escalations",
		"age.under_1d", "age.1_3d", "age.3_7d", "age.7d_plus", "no_rate", "updated"} {
		labels[k] = p.T("ui.board." + k)
	}
	lj, _ := json.Marshal(labels) // a map of strings always marshals
	p.Data = centerBoardPage{Board: b, Src: "/boards/center.json", Refresh: boardRefreshSeconds, TZ: p.loc.String(), Labels: string(lj)}
	s.render(w, r, http.StatusOK, "boards_center", p)
}

// modelsBoardPage is what the model board's template reads.
type modelsBoardPage struct {
	Board  service.ModelsBoard
	Period periodForm
}

func (s *server) boardModelsPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.board.models.title")
	b, err := s.svc.ModelsBoard(ctx, r.URL.Query())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p.Data = modelsBoardPage{Board: b, Period: newPeriodForm(r.URL.Query(), kpi.Period{From: b.From, To: b.To}, p.loc)}
	s.render(w, r, http.StatusOK, "boards_models", p)
}

func (s *server) boardExecutionPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	p := s.newPage(r, "ui.board.execution.title")
	b, err := s.svc.ExecutionBoard(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	p.Data = b
	s.render(w, r, http.StatusOK, "boards_execution", p)
}

// AgeName names an age bucket of the big screen.
func (p *page) AgeName(key string) string { return p.T("ui.board.age." + key) }

// Hours writes a number of hours with one decimal, or — when there is none.
func (p *page) Hours(h *float64) string {
	if h == nil {
		return kpi.NoRate
	}
	return p.T("ui.board.hours", *h)
}

// periodForm is the period selector as typed.
type periodForm struct {
	Period, At, From, To string
	Query                string // the period's query string, for links and exports
	Label                string // from – to (both days included)
}

func newPeriodForm(q url.Values, p kpi.Period, loc *time.Location) periodForm {
	f := periodForm{Period: q.Get("period"), At: q.Get("at"), From: q.Get("from"), To: q.Get("to")}
	if !slices.Contains(service.KPIPeriods, f.Period) {
		f.Period = "month"
	}
	v := url.Values{"period": {f.Period}}
	for k, x := range map[string]string{"at": f.At, "from": f.From, "to": f.To} {
		if x != "" {
			v.Set(k, x)
		}
	}
	f.Query = v.Encode()
	f.Label = p.From.In(loc).Format(time.DateOnly) + " – " + p.To.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
	return f
}
