package main

import (
	"crypto/rand"
	"fmt"

	"signoff/config"
)

// requireSigningKeys refuses to start a gateway or a worker without the keys actions are signed
// and verified with (actions.signing_keys, actions.signing_key_id): without them a gateway could
// not act and a worker would have nothing to tell a forged action by.
func requireSigningKeys(cfg config.Config) error {
	if _, err := cfg.Actions.Keyring(); err != nil {
		return fmt.Errorf("refusing to start: %w", err)
	}
	return nil
}

// withDevSigningKey gives a configuration without action-signing keys a random one, for
// `signoff dev` (gateway and worker in one process, so they share it) and read-only tools.
// Configured keys are kept.
func withDevSigningKey(cfg config.Config) config.Config {
	if len(cfg.Actions.SigningKeys) > 0 {
		return cfg
	}
	cfg.Actions = config.ActionsConfig{SigningKeyID: "dev",
		SigningKeys: []config.SigningKey{{ID: "dev", Secret: rand.Text() + rand.Text()}}}
	return cfg
}

// serviceStartChecks is what a long-running service (gateway, worker) checks before it touches
// the database or Temporal: its flags, an explicit policy source (loadPolicy) and the
// action-signing keys.
func serviceStartChecks(command string, cfg config.Config, args []string) error {
	flags, err := parseCommandFlags(command, args)
	if err != nil {
		return err
	}
	if _, _, err := loadPolicy(cfg.Policy, flags.demo); err != nil {
		return err
	}
	return requireSigningKeys(cfg)
}
