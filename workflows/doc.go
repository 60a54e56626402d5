// Package workflows models each case as a Temporal workflow. A case's workflow ID is its
// business number (EXP-2026-000123). Every human decision is an Update whose validator asks the
// chain (package chain) before anything enters history; status is the "state" Query; each
// deadline is a timer. Cases and production problems run on one skeleton (runner, run.go),
// each state machine plugged in through a small interface.
//
// Versioning (decided per workflow type): changes that alter the command sequence are guarded
// with workflow.GetVersion under a change ID named after the change, and each change adds a
// committed history to testdata/ (recorded by TestRecordHistories) that
// TestReplayCommittedHistories replays; every workflow type has at least one.
//
// Long-lived cases and problems (many comments, nudges, progress posts) continue as new before
// a run's history nears Temporal's per-run limits (RunLimits, versioned "continue-as-new"),
// carrying their whole state; a purchase order continues after 20 deliveries.
package workflows
