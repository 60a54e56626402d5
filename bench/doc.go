// Package bench measures Signoff against a running stack: it drives claims through the whole
// sign-off chain over HTTP as the demo users and, on the same Temporal server, a bare-SDK
// baseline (a trivial workflow taking the same number of Updates), and reports throughput and
// action latency percentiles for both. It is a command, not a test: figures go to BENCHMARKS.md.
package bench
