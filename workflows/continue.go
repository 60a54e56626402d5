package workflows

import "go.temporal.io/sdk/workflow"

// versionContinueAsNew (version 1): a case or problem continues as new before its history nears
// Temporal's per-run limits, carrying its state to the next run; a problem also takes the
// cases' lean alarms and attributes-on-change with it (see Problem). Runs started before it
// (DefaultVersion) never continue: their histories were short when they began and replay as
// they ran.
const versionContinueAsNew = "continue-as-new"

// RunLimits bound one run of a long-lived case or problem: when any is reached, or when the
// Temporal server suggests it, the run stops taking work, answers the Updates it accepted, lets
// its notifications finish and continues as new. Zero fields take the defaults; tests set them
// low to drive a run past them.
type RunLimits struct {
	Updates int `json:"updates,omitempty"` // Updates handled by the run
	Events  int `json:"events,omitempty"`  // events in the run's history
	Bytes   int `json:"bytes,omitempty"`   // size of the run's history
}

// The defaults keep a run far from Temporal's hard limits (2,000 Updates per run, 51,200 events,
// 50 MB): the run drains before it continues, and Updates admitted while it drains still count
// toward the 2,000, so half of each limit is the margin. An Update costs a run about eight
// events and at most a few kilobytes (a comment is at most 2,000 characters), so the Updates
// limit is the nearest of ours; the server's own suggestion (by default at 4 MB, 4,096 events
// or 1,800 Updates) usually moves the run on first, and ours hold where it is switched off.
const (
	defaultRunUpdates = 1_000
	defaultRunEvents  = 10_000
	defaultRunBytes   = 10 << 20
)

// runLimit is what one run has used of its limits.
type runLimit struct {
	limits  RunLimits
	on      bool // the run may continue as new (versionContinueAsNew)
	updates int  // Updates this run has taken, accepted or not yet finished
}

func newRunLimit(ctx workflow.Context, limits RunLimits) runLimit {
	on := workflow.GetVersion(ctx, versionContinueAsNew, workflow.DefaultVersion, 1) == 1
	return runLimit{limits: limits, on: on}
}

// took counts one Update handled by the run.
func (b *runLimit) took() { b.updates++ }

// reached reports whether the run should continue as new. Every input is in the history (the
// server's suggestion and the history's length and size come with each workflow task), so
// replay answers the same. A run that has taken no Update yet never continues: nothing else
// grows a history, and a fresh run must not continue again at once.
func (b *runLimit) reached(ctx workflow.Context) bool {
	if !b.on || b.updates == 0 {
		return false
	}
	info := workflow.GetInfo(ctx)
	return info.GetContinueAsNewSuggested() ||
		b.updates >= orDefault(b.limits.Updates, defaultRunUpdates) ||
		info.GetCurrentHistoryLength() >= orDefault(b.limits.Events, defaultRunEvents) ||
		info.GetCurrentHistorySize() >= orDefault(b.limits.Bytes, defaultRunBytes)
}

func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
