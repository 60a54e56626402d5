package config

import (
	"fmt"
	"reflect"
	"strings"

	"signoff/actionsig"
)

// ActionsConfig holds the keys that sign the human actions gateways send to workflows and that
// workers verify them with (see package actionsig). Every gateway and worker must list the same
// keys; SigningKeyID is the one new actions are signed with.
type ActionsConfig struct {
	// SigningKeys are the keys accepted; a key being retired stays listed until no action
	// signed with it can still be in flight (actionsig.Window).
	SigningKeys []SigningKey `mapstructure:"signing_keys"`
	// SigningKeyID names the key of SigningKeys that signs.
	SigningKeyID string `mapstructure:"signing_key_id"`
}

// SigningKey is one action-signing key. In YAML it is {id, secret}; in the environment
// (SIGNOFF_ACTIONS_SIGNING_KEYS) the list is written id:secret,id:secret.
type SigningKey struct {
	ID     string `mapstructure:"id"`
	Secret string `mapstructure:"secret"`
}

// Keyring is the keyring the settings describe, or an error naming the keys to set.
func (c ActionsConfig) Keyring() (*actionsig.Keyring, error) {
	if len(c.SigningKeys) == 0 {
		return nil, fmt.Errorf("no action-signing key: set actions.signing_keys (a list of {id, secret}, each secret at least %d bytes, e.g. `openssl rand -hex 32`) and actions.signing_key_id, the same on every gateway and worker", actionsig.MinSecretLen)
	}
	keys := make([]actionsig.Key, len(c.SigningKeys))
	for i, k := range c.SigningKeys {
		keys[i] = actionsig.Key{ID: k.ID, Secret: k.Secret}
	}
	ring, err := actionsig.NewKeyring(keys, c.SigningKeyID)
	if err != nil {
		return nil, fmt.Errorf("actions.signing_keys / actions.signing_key_id: %w", err)
	}
	return ring, nil
}

// masked is c with every secret masked.
func (c ActionsConfig) masked() ActionsConfig {
	if c.SigningKeys == nil {
		return c
	}
	keys := make([]SigningKey, len(c.SigningKeys))
	for i, k := range c.SigningKeys {
		keys[i] = SigningKey{ID: k.ID, Secret: mask(k.Secret)}
	}
	c.SigningKeys = keys
	return c
}

// validate checks the keys when any is set; none is valid here (`signoff dev` makes its own) and
// refused when a gateway or worker starts.
func (c ActionsConfig) validate(check func(key string, err error)) {
	if len(c.SigningKeys) == 0 {
		if c.SigningKeyID != "" {
			check("actions.signing_keys", fmt.Errorf("required when actions.signing_key_id is set"))
		}
		return
	}
	if _, err := c.Keyring(); err != nil {
		check("actions.signing_keys", err)
	}
}

// stringToSigningKeys reads the environment's id:secret,id:secret form of actions.signing_keys.
func stringToSigningKeys(from, to reflect.Type, data any) (any, error) {
	if from.Kind() != reflect.String || to != reflect.TypeFor[[]SigningKey]() {
		return data, nil
	}
	var keys []SigningKey
	for item := range strings.SplitSeq(data.(string), ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		id, secret, ok := strings.Cut(strings.TrimSpace(item), ":")
		if !ok {
			return nil, fmt.Errorf("actions.signing_keys: write each key as id:secret")
		}
		keys = append(keys, SigningKey{ID: id, Secret: secret})
	}
	return keys, nil
}
