//go:build tools

// Package tools pins the command-line tools Signoff builds from the Go module proxy.
// It is a separate module so that the Temporal CLI's dependencies never mix with ours.
package tools

import (
	_ "github.com/temporalio/cli/cmd/temporal"
	_ "go.temporal.io/sdk/contrib/tools/workflowcheck"
)
