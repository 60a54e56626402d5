// Package problem is the lifecycle of a production problem (生产问题协调) as a pure state
// machine: raised by anyone, screened by the production control center (published, rejected or
// merged into a duplicate), worked on by the responsible departments' representatives against a
// due date, reminded and escalated up a ladder when overdue, reported solved, and verified by the
// raiser or the center.
//
// Like package chain it is deterministic and does no I/O: the caller passes the time. The same
// code runs inside a Temporal workflow (an Update's validator calls Validate, its handler calls
// Apply on a Clone, and NextAlarm drives the one timer), in the gateway (Allowed, computed from
// the persisted state) and in unit tests. Every transition returns seals, the problem's ledger
// entries numbered by Seq, and notices for an activity to send.
//
// Notice recipients are user IDs, or symbolic names an activity resolves against the
// representatives registry (see ParseRecipient): RecipientCenter (the center's staff on duty),
// RecipientCenterDirector, and DepartmentLeader(dept). A notice never names its own actor.
package problem
