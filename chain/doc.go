// Package chain is the sign-off chain as a pure state machine: the steps of a case, who may act
// on the current step, and what each action (approve, reject, return, resubmit, withdraw,
// transfer, add signer, comment, nudge, pay) does to it.
//
// It is deterministic and does no I/O, so the same code runs inside a Temporal workflow (the
// validator calls Validate, the handler calls Apply), in the gateway (which actions may the
// caller take now, computed from the persisted state) and in plain unit tests. Every case kind
// (expenses, procurement, ...) drives its chain through this package.
package chain
