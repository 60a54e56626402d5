package bench

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Latencies collects action latencies from many goroutines.
type Latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *Latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// Percentile returns the p-th percentile (0–100), nearest rank.
func (l *Latencies) Percentile(p float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	s := slices.Clone(l.d)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[max(0, min(i, len(s)-1))]
}

// Count is the number of samples.
func (l *Latencies) Count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.d)
}

// Result is one side of the comparison.
type Result struct {
	Name     string
	Claims   int
	Elapsed  time.Duration
	Actions  *Latencies            // every action
	ByKind   map[string]*Latencies // per action kind (submit, approve, pay), for diagnosis
	Failures int
}

func newResult(name string, kinds ...string) Result {
	r := Result{Name: name, Actions: &Latencies{}, ByKind: map[string]*Latencies{}}
	for _, k := range kinds {
		r.ByKind[k] = &Latencies{}
	}
	return r
}

func (r Result) add(kind string, d time.Duration) {
	r.Actions.add(d)
	r.ByKind[kind].add(d)
}

// Breakdown prints the percentiles of each action kind.
func (r Result) Breakdown(kinds ...string) string {
	out := ""
	for _, k := range kinds {
		l := r.ByKind[k]
		out += fmt.Sprintf("  %-9s %-8s n=%d p50=%s p95=%s p99=%s\n", r.Name, k, l.Count(),
			ms(l.Percentile(50)), ms(l.Percentile(95)), ms(l.Percentile(99)))
	}
	return out
}

// PerSecond is completed claims per second.
func (r Result) PerSecond() float64 { return float64(r.Claims) / r.Elapsed.Seconds() }

func (r Result) String() string {
	return fmt.Sprintf("%-9s claims=%d failures=%d elapsed=%s claims/s=%.1f actions=%d p50=%s p95=%s p99=%s",
		r.Name, r.Claims, r.Failures, r.Elapsed.Round(time.Millisecond), r.PerSecond(), r.Actions.Count(),
		ms(r.Actions.Percentile(50)), ms(r.Actions.Percentile(95)), ms(r.Actions.Percentile(99)))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }
