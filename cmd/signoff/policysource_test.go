package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"signoff/config"
	"signoff/policy"
)

// TestProductionCommandsRefuseWithoutPolicy: gateway, worker and migrate never fall back to the
// demo organisation (whose passwords the README publishes). Without policy.file they stop before
// touching the database or Temporal, naming the key and its variable; --demo together with a file
// is refused as ambiguous; a stray argument is refused.
func TestProductionCommandsRefuseWithoutPolicy(t *testing.T) {
	t.Setenv(config.EnvConfigFile, "")
	t.Setenv("SIGNOFF_POLICY_FILE", "")
	// Nothing listens here: reaching the database or Temporal would fail differently.
	t.Setenv("SIGNOFF_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	t.Setenv("SIGNOFF_TEMPORAL_ADDRESS", "127.0.0.1:1")
	for _, cmd := range []string{"gateway", "worker", "migrate"} {
		t.Run(cmd, func(t *testing.T) {
			err := run(context.Background(), []string{cmd})
			if !errors.Is(err, errNoPolicy) {
				t.Fatalf("signoff %s without policy.file: %v, want %v", cmd, err, errNoPolicy)
			}
			for _, word := range []string{"policy.file", "SIGNOFF_POLICY_FILE", "--demo"} {
				if !strings.Contains(err.Error(), word) {
					t.Errorf("the refusal %q does not name %s", err, word)
				}
			}

			t.Setenv("SIGNOFF_POLICY_FILE", writeDemoPolicy(t))
			if err := run(context.Background(), []string{cmd, "--demo"}); !errors.Is(err, errDemoAndFile) {
				t.Errorf("signoff %s --demo with policy.file: %v, want %v", cmd, err, errDemoAndFile)
			}
			if err := run(context.Background(), []string{cmd, "extra"}); err == nil || !strings.Contains(err.Error(), `unexpected argument "extra"`) {
				t.Errorf("signoff %s extra: %v, want the argument refused", cmd, err)
			}
		})
	}
}

// TestLoadPolicy: the demo only when asked for, a named file read and checked.
func TestLoadPolicy(t *testing.T) {
	if _, _, err := loadPolicy(config.PolicyConfig{}, false); !errors.Is(err, errNoPolicy) {
		t.Errorf("no file, no --demo: %v, want %v", err, errNoPolicy)
	}
	doc, src, err := loadPolicy(config.PolicyConfig{}, true)
	if err != nil || doc.Name != policy.Demo().Name || string(src) != string(policy.DemoYAML) {
		t.Errorf("--demo: %v, %v; want the built-in demo", doc, err)
	}
	file := writeDemoPolicy(t)
	doc, _, err = loadPolicy(config.PolicyConfig{File: file}, false)
	if err != nil || doc.Name != policy.Demo().Name {
		t.Errorf("policy.file %s: %v, %v", file, doc, err)
	}
	if _, _, err := loadPolicy(config.PolicyConfig{File: filepath.Join(t.TempDir(), "missing.yaml")}, false); err == nil || !strings.Contains(err.Error(), "policy.file") {
		t.Errorf("a missing file: %v, want an error naming policy.file", err)
	}
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(broken, []byte("name: [unclosed"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := loadPolicy(config.PolicyConfig{File: broken}, false); err == nil {
		t.Error("a broken policy file was accepted")
	}
}

// writeDemoPolicy writes the demo policy to a file, standing in for a company's own.
func writeDemoPolicy(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(path, policy.DemoYAML, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
