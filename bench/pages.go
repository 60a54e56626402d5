package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"
)

// PageRequest is a page to measure: a GET of Path with Header. With Paths set, iteration i
// requests Paths[i % len(Paths)] instead (say, a different case each time).
type PageRequest struct {
	Name   string
	Path   string
	Paths  []string
	Header http.Header
}

func (p PageRequest) path(i int) string {
	if len(p.Paths) > 0 {
		return p.Paths[i%len(p.Paths)]
	}
	return p.Path
}

// PageResult is how long one page took to render.
type PageResult struct {
	Name               string
	N                  int
	P50, P95, P99, Max time.Duration
	Bytes              int // mean response body size
}

// MeasurePages calls the handler in-process for each page, one request at a time: warmup
// requests first, not counted, then iterations timed. A response other than 200 is an error.
func MeasurePages(ctx context.Context, h http.Handler, reqs []PageRequest, iterations, warmup int) ([]PageResult, error) {
	out := make([]PageResult, 0, len(reqs))
	for _, p := range reqs {
		for i := range warmup {
			if _, _, err := serveOnce(ctx, h, p, i); err != nil {
				return nil, err
			}
		}
		d := make([]time.Duration, 0, iterations)
		total := 0
		for i := range iterations {
			took, n, err := serveOnce(ctx, h, p, warmup+i)
			if err != nil {
				return nil, err
			}
			d = append(d, took)
			total += n
		}
		r := PageResult{Name: p.Name, N: len(d)}
		if len(d) > 0 {
			slices.Sort(d)
			r.P50, r.P95, r.P99, r.Max = nearestRank(d, 50), nearestRank(d, 95), nearestRank(d, 99), d[len(d)-1]
			r.Bytes = total / len(d)
		}
		out = append(out, r)
	}
	return out, nil
}

func serveOnce(ctx context.Context, h http.Handler, p PageRequest, i int) (time.Duration, int, error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, err
	}
	path := p.path(i)
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	for k, v := range p.Header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	took := time.Since(start)
	if rec.Code != http.StatusOK {
		body := rec.Body.String()
		if len(body) > 300 {
			body = body[:300] + "…"
		}
		return 0, 0, fmt.Errorf("%s: GET %s: status %d: %s", p.Name, path, rec.Code, strings.TrimSpace(body))
	}
	return took, rec.Body.Len(), nil
}

// nearestRank is the p-th percentile (0–100) of sorted durations.
func nearestRank(sorted []time.Duration, p float64) time.Duration {
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// WritePageTable prints the results as a Markdown table, marking each page's p95 against the
// target (no mark when target is 0).
func WritePageTable(w io.Writer, results []PageResult, target time.Duration) error {
	var b strings.Builder
	b.WriteString("| Page | N | p50 | p95 | p99 | max | bytes |")
	sep := "|---|--:|--:|--:|--:|--:|--:|"
	if target > 0 {
		fmt.Fprintf(&b, " p95 < %s |", msShort(target))
		sep += ":-:|"
	}
	b.WriteString("\n" + sep + "\n")
	for _, r := range results {
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %d |", r.Name, r.N, ms(r.P50), ms(r.P95), ms(r.P99), ms(r.Max), r.Bytes)
		if target > 0 {
			mark := "yes"
			if r.P95 >= target {
				mark = "**no**"
			}
			fmt.Fprintf(&b, " %s |", mark)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func msShort(d time.Duration) string {
	if d%time.Millisecond == 0 {
		return fmt.Sprintf("%d ms", d/time.Millisecond)
	}
	return ms(d)
}
