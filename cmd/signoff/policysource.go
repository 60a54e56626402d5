package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"signoff/config"
	"signoff/policy"
)

// errNoPolicy is why a production command refuses to start: the built-in demo organisation
// publishes its passwords in the README, so it is never a silent default.
var errNoPolicy = errors.New("no approval policy: set policy.file (SIGNOFF_POLICY_FILE) to your organisation's policy YAML; " +
	"the built-in demo organisation, whose passwords are published, loads only with --demo or in `signoff dev`")

// errDemoAndFile refuses an ambiguous start: both the demo and a policy file were asked for.
var errDemoAndFile = errors.New("--demo and policy.file (SIGNOFF_POLICY_FILE) are both set: choose one")

// commandFlags are the flags the production commands (gateway, worker, migrate) accept.
type commandFlags struct {
	// demo lets the command run on the built-in demo policy, as `signoff dev` does.
	demo bool
}

// parseCommandFlags reads the flags after a production command's name; there are no arguments.
func parseCommandFlags(cmd string, args []string) (commandFlags, error) {
	var f commandFlags
	fs := flag.NewFlagSet("signoff "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&f.demo, "demo", false, "run on the built-in demo policy (its passwords are published: never in production)")
	if err := fs.Parse(args); err != nil {
		return f, fmt.Errorf("%s: %w", cmd, err)
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("%s: unexpected argument %q", cmd, fs.Arg(0))
	}
	return f, nil
}

// loadPolicy reads the policy named by policy.file, or the built-in demo when demo is set
// (`signoff dev`, or --demo). With neither it refuses: see errNoPolicy.
func loadPolicy(cfg config.PolicyConfig, demo bool) (*policy.Document, []byte, error) {
	switch {
	case demo && cfg.File != "":
		return nil, nil, errDemoAndFile
	case demo:
		return policy.Demo(), policy.DemoYAML, nil
	case cfg.File == "":
		return nil, nil, errNoPolicy
	}
	src, err := os.ReadFile(cfg.File)
	if err != nil {
		return nil, nil, fmt.Errorf("policy.file: %w", err)
	}
	doc, err := policy.Load(src)
	if err != nil {
		return nil, nil, fmt.Errorf("policy.file %s: %w", cfg.File, err)
	}
	return doc, src, nil
}
