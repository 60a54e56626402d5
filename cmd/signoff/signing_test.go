package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"signoff/config"
)

// TestGatewayAndWorkerRefuseToStartWithoutSigningKey: with no action-signing key configured,
// `signoff gateway` and `signoff worker` stop before connecting to anything, naming the keys
// (their config points at nothing that listens, so reaching out would fail differently).
func TestGatewayAndWorkerRefuseToStartWithoutSigningKey(t *testing.T) {
	cfg, err := config.Load("", []string{"SIGNOFF_DATABASE_URL=postgres://nobody@127.0.0.1:1/none?sslmode=disable",
		"SIGNOFF_TEMPORAL_ADDRESS=127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for name, run := range map[string]func(context.Context, config.Config, *slog.Logger, []string) error{
		"gateway": runGateway, "worker": runWorker,
	} {
		t.Run(name, func(t *testing.T) {
			err := run(t.Context(), cfg, log, []string{"--demo"}) // the policy is settled: the keys are not
			if err == nil || !strings.Contains(err.Error(), "actions.signing_keys") || !strings.Contains(err.Error(), "actions.signing_key_id") {
				t.Fatalf("%s started or refused without naming the keys: %v", name, err)
			}
		})
	}
}

// TestDevMakesASigningKey: `signoff dev` signs with a key of its own unless one is configured.
func TestDevMakesASigningKey(t *testing.T) {
	cfg, err := config.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	dev := withDevSigningKey(cfg)
	if _, err := dev.Actions.Keyring(); err != nil {
		t.Fatalf("dev key refused: %v", err)
	}
	if again := withDevSigningKey(cfg); again.Actions.SigningKeys[0].Secret == dev.Actions.SigningKeys[0].Secret {
		t.Error("two dev keys are the same: a dev key must be random")
	}
	cfg.Actions = config.ActionsConfig{SigningKeyID: "mine", SigningKeys: []config.SigningKey{{ID: "mine", Secret: strings.Repeat("s", 32)}}}
	if kept := withDevSigningKey(cfg); kept.Actions.SigningKeyID != "mine" || len(kept.Actions.SigningKeys) != 1 {
		t.Errorf("configured keys replaced: %+v", kept.Actions)
	}
}
