package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"signoff/apiclient"
)

// Options configure a benchmark run.
type Options struct {
	BaseURL     string        // the gateway
	Claims      int           // N
	Concurrency int           // C
	Amount      string        // per claim, e.g. "10.00"
	Password    string        // the demo users'
	Rounds      int           // alternate Signoff and baseline this many times; medians are reported
	Only        string        // "signoff" or "baseline" runs just that side (for profiling); "" both
	Timeout     time.Duration // for the whole run
	Temporal    client.Client // the same server the stack uses, for the baseline
	Out         io.Writer
}

// chainActions is one claim's path through the demo sales travel chain after submission.
var chainActions = []struct{ user, action string }{
	{"li.na", "approve"}, {"sun.min", "approve"}, {"wang.fang", "approve"}, {"wu.xia", "pay"},
}

// Run measures Signoff and the baseline in alternating rounds (so that a server slowing down
// as its store grows weighs on both alike), prints every round and the median ratios.
func Run(ctx context.Context, o Options) error {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	var throughput, p99 []float64
	if o.Only != "" {
		run := runSignoff
		if o.Only == "baseline" {
			run = runBaseline
		}
		res, err := run(ctx, o)
		if err != nil {
			return err
		}
		fmt.Fprintln(o.Out, res)
		return nil
	}
	for round := 1; round <= max(1, o.Rounds); round++ {
		sig, err := runSignoff(ctx, o)
		if err != nil {
			return err
		}
		base, err := runBaseline(ctx, o)
		if err != nil {
			return err
		}
		t := sig.PerSecond() / base.PerSecond()
		p := float64(sig.Actions.Percentile(99)) / float64(base.Actions.Percentile(99))
		throughput, p99 = append(throughput, t), append(p99, p)
		fmt.Fprintf(o.Out, "round %d\n", round)
		fmt.Fprintln(o.Out, sig)
		fmt.Fprint(o.Out, sig.Breakdown("submit", "approve", "pay"))
		fmt.Fprintln(o.Out, base)
		fmt.Fprint(o.Out, base.Breakdown("start", "update"))
		fmt.Fprintf(o.Out, "ratio     throughput=%.2fx  p99=%.2fx\n", t, p)
	}
	fmt.Fprintf(o.Out, "median of %d rounds: throughput=%.2fx (target >= 0.70)  p99=%.2fx (target <= 2.00)\n",
		len(throughput), median(throughput), median(p99))
	return nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func runSignoff(ctx context.Context, o Options) (Result, error) {
	a := &apiclient.Client{Base: o.BaseURL, HTTP: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: o.Concurrency * 2},
	}}
	tokens := map[string]string{}
	for _, u := range []string{"zhang.wei", "li.na", "sun.min", "wang.fang", "wu.xia"} {
		tok, err := a.Login(ctx, u, o.Password)
		if err != nil {
			return Result{}, fmt.Errorf("login %s: %w", u, err)
		}
		tokens[u] = tok
	}
	run := fmt.Sprintf("%d", time.Now().UnixNano())
	// Yesterday in UTC is never after the policy calendar's today, whatever its timezone, and
	// within any expense.max_age_days of two days or more.
	spentOn := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	res := newResult("signoff", "submit", "approve", "pay")
	var failures atomic.Int64
	start := time.Now()
	parallel(o.Claims, o.Concurrency, func(i int) {
		t0 := time.Now()
		c, err := a.Submit(ctx, tokens["zhang.wei"], fmt.Sprintf("bench-%s-%d", run, i), apiclient.Claim{
			Purpose: "基准测试：客户拜访交通费", Category: "travel", BudgetLineID: "2026-sales-travel",
			Lines: []apiclient.Line{{SpentOn: spentOn, Description: "出租车", Amount: o.Amount, InvoiceNo: fmt.Sprint(i)}},
		})
		if err != nil {
			failures.Add(1)
			fmt.Fprintln(o.Out, "submit:", err)
			return
		}
		res.add("submit", time.Since(t0))
		for _, step := range chainActions {
			t0 := time.Now()
			var extra map[string]any
			if step.action == "pay" {
				extra = apiclient.Payment("BENCH-"+c.ID, time.Now())
			}
			c, err = a.Act(ctx, tokens[step.user], c.ID, step.action, c.Revision, extra)
			if err != nil {
				failures.Add(1)
				fmt.Fprintln(o.Out, step.action+":", err)
				return
			}
			res.add(step.action, time.Since(t0))
		}
		if c.Status != "paid" {
			failures.Add(1)
		}
	})
	res.Elapsed = time.Since(start)
	res.Failures = int(failures.Load())
	res.Claims = o.Claims - res.Failures
	return res, ctx.Err()
}

func runBaseline(ctx context.Context, o Options) (Result, error) {
	tq := fmt.Sprintf("signoff-bench-baseline-%d", time.Now().UnixNano())
	// As many workflow-task pollers as Signoff's worker has: the comparison is of the work per
	// claim, not of the worker's settings.
	w := worker.New(o.Temporal, tq, worker.Options{MaxConcurrentWorkflowTaskPollers: 4})
	w.RegisterWorkflowWithOptions(Baseline, workflow.RegisterOptions{Name: "BenchBaseline"})
	if err := w.Start(); err != nil {
		return Result{}, err
	}
	defer w.Stop()
	actions := len(chainActions)
	res := newResult("baseline", "start", "update")
	var failures atomic.Int64
	start := time.Now()
	parallel(o.Claims, o.Concurrency, func(i int) {
		id := fmt.Sprintf("%s-%d", tq, i)
		t0 := time.Now()
		// The same conversation as a claim: a start carrying the first Update, then one Update per action.
		op := o.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID: id, TaskQueue: tq, WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, "BenchBaseline", actions+1)
		h, err := o.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: op,
			UpdateOptions:          client.UpdateWorkflowOptions{UpdateName: baselineUpdate, Args: []any{0}, WaitForStage: client.WorkflowUpdateStageCompleted},
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			failures.Add(1)
			fmt.Fprintln(o.Out, "baseline start:", err)
			return
		}
		res.add("start", time.Since(t0))
		for n := 1; n <= actions; n++ {
			t0 := time.Now()
			h, err := o.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
				WorkflowID: id, UpdateName: baselineUpdate, Args: []any{n}, WaitForStage: client.WorkflowUpdateStageCompleted,
			})
			if err == nil {
				err = h.Get(ctx, nil)
			}
			if err != nil {
				failures.Add(1)
				fmt.Fprintln(o.Out, "baseline update:", err)
				return
			}
			res.add("update", time.Since(t0))
		}
	})
	res.Elapsed = time.Since(start)
	res.Failures = int(failures.Load())
	res.Claims = o.Claims - res.Failures
	return res, ctx.Err()
}

// parallel runs fn for 0..n-1 on c goroutines.
func parallel(n, c int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, c) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}
