package main

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"signoff/activities"
	"signoff/config"
	"signoff/testkit"
	"signoff/workflows"
)

// TestLedgerHeadsSchedule: migrate's schedule is created once and brought up to date after,
// fires daily at 01:30 UTC, and a triggered run heads the days whose seals were written.
func TestLedgerHeadsSchedule(t *testing.T) {
	s := testkit.NewStack(t, activities.Channels{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := config.TemporalConfig{TaskQueue: "stale-queue"}
	if err := ensureLedgerHeadsSchedule(ctx, s.Client, cfg); err != nil {
		t.Fatalf("create: %v", err)
	}
	h := s.Client.ScheduleClient().GetHandle(ctx, workflows.LedgerHeadsSchedule)
	t.Cleanup(func() { _ = h.Delete(context.Background()) })
	cfg.TaskQueue = s.TaskQueue
	if err := ensureLedgerHeadsSchedule(ctx, s.Client, cfg); err != nil {
		t.Fatalf("update: %v", err)
	}
	d, err := h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	action, _ := d.Schedule.Action.(*client.ScheduleWorkflowAction)
	cal := d.Schedule.Spec.Calendars
	if action == nil || action.TaskQueue != s.TaskQueue || len(cal) != 1 || len(cal[0].Hour) != 1 || cal[0].Hour[0].Start != 1 ||
		cal[0].Minute[0].Start != 30 || d.Schedule.Spec.TimeZoneName != "UTC" {
		t.Fatalf("schedule = action %+v, spec %+v; want LedgerHeads on %s at 01:30 UTC", action, d.Schedule.Spec, s.TaskQueue)
	}

	seedHeadedDay(t, ctx, s.DB)
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	var runID string
	for deadline := time.Now().Add(20 * time.Second); runID == ""; {
		d, err := h.Describe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Info.RecentActions) > 0 {
			runID = d.Info.RecentActions[0].StartWorkflowResult.WorkflowID
		} else if time.Now().After(deadline) {
			t.Fatal("the triggered schedule started no workflow")
		} else {
			time.Sleep(50 * time.Millisecond)
		}
	}
	var res activities.SealHeadsResult
	if err := s.Client.GetWorkflow(ctx, runID, "").Get(ctx, &res); err != nil || len(res.Days) == 0 || res.Days[0] != "2026-03-02" {
		t.Fatalf("run = %+v, %v; want the days from 2 March headed", res, err)
	}
}
