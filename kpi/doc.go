// Package kpi computes the figures of production problem coordination (生产问题协调) from the
// system's own facts about each problem: the completion rate (生产问题协调完成率) the assessment
// (考核) uses, and the figures the boards (看板) show. Every function is pure: facts in, numbers
// out, with the problems behind a number available through Behind.
//
// Completion rate, per department, per representative and for the whole center, for a period:
//
//	problems due in the period that were closed on time ÷ problems due in the period
//
// Aggregates are Σ on time ÷ Σ due over distinct problems, never an average of rates.
//
//   - Counted: a problem counts once it has a due date (it was published, 发布) unless it was
//     rejected as invalid or merged into a duplicate (status rejected or merged, or MergedInto
//     set); the surviving problem of a merge counts once.
//   - Due in the period: From ≤ DueAt < To, compared as instants. DueAt is the due date in force,
//     after every recorded change; OriginalDueAt and DueChanges are shown in the drill-down only.
//   - Closed on time: status closed and ClosedAt ≤ DueAt. ClosedAt is the final verification, so a
//     problem reported solved in time whose verification was refused and that was closed after the
//     due date is late, and one refused and still open is not closed.
//   - A problem counts for the departments and representatives responsible now (after any
//     re-publication), once in each; for the center it counts once however many departments it
//     has, so the center's due count is not the sum of the departments' due counts.
//
// The board figures (OpenBySeverity, Overdue, Ageing, TimeToClose, Escalations, Trend) count the
// same problems; each function says what it measures.
package kpi
