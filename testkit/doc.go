// Package testkit gives tests the real components: a fresh PostgreSQL database per test (cloned
// from a migrated template holding the demo policy), a Temporal dev server per test binary
// (the CLI built by `make tools`), and a worker on its own task queue. It is imported only by
// tests.
package testkit
