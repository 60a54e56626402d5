// Package demo writes the demo's master data, the suppliers, materials, plans, stock and the
// production control center's registry that the demo policy's people work with, through the
// store's ordinary methods. It is its own room rather than part of cmd/signoff because the
// same data is the ground of tests in store, workflows, gateway and e2e, and a main package
// cannot be imported; and it is not in store, which keeps the SQL but no data of its own.
//
// Every seed only adds what is missing, so it may run on every start without undoing what
// people changed since.
package demo
