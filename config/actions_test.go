package config

import (
	"reflect"
	"strings"
	"testing"
)

const (
	secretA = "0123456789abcdef0123456789abcdef-a"
	secretB = "0123456789abcdef0123456789abcdef-b"
)

// TestLoadSigningKeys reads actions.signing_keys from YAML and from the environment's
// id:secret,id:secret form, and builds the keyring they describe.
func TestLoadSigningKeys(t *testing.T) {
	file := "actions:\n  signing_keys:\n    - {id: old, secret: " + secretA + "}\n    - {id: new, secret: " + secretB + "}\n  signing_key_id: new\n"
	want := []SigningKey{{ID: "old", Secret: secretA}, {ID: "new", Secret: secretB}}
	tests := []struct {
		name    string
		file    string
		environ []string
	}{
		{name: "yaml", file: file},
		{name: "environment", environ: []string{"SIGNOFF_ACTIONS_SIGNING_KEYS=old:" + secretA + ", new:" + secretB, "SIGNOFF_ACTIONS_SIGNING_KEY_ID=new"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.file != "" {
				path = writeFile(t, tt.file)
			}
			c, err := Load(path, tt.environ)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Actions.SigningKeys, want) || c.Actions.SigningKeyID != "new" {
				t.Fatalf("actions = %+v", c.Actions)
			}
			ring, err := c.Actions.Keyring()
			if err != nil {
				t.Fatal(err)
			}
			if ring.CurrentKeyID() != "new" {
				t.Errorf("signing with %q, want new", ring.CurrentKeyID())
			}
		})
	}
}

// TestLoadRefusesSigningKeys: bad keys are named, and their secrets never quoted.
func TestLoadRefusesSigningKeys(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
	}{
		{"short secret", []string{"SIGNOFF_ACTIONS_SIGNING_KEYS=k:short-secret-zz", "SIGNOFF_ACTIONS_SIGNING_KEY_ID=k"}},
		{"current not listed", []string{"SIGNOFF_ACTIONS_SIGNING_KEYS=k:" + secretA, "SIGNOFF_ACTIONS_SIGNING_KEY_ID=other"}},
		{"no id separator", []string{"SIGNOFF_ACTIONS_SIGNING_KEYS=" + secretA}},
		{"key id without keys", []string{"SIGNOFF_ACTIONS_SIGNING_KEY_ID=k"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("", tt.environ)
			if err == nil {
				t.Fatal("Load succeeded, want error")
			}
			if !strings.Contains(err.Error(), "signing_key") {
				t.Errorf("error %q does not name the key", err)
			}
			for _, secret := range []string{secretA, "short-secret-zz"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error shows the secret: %q", err)
				}
			}
		})
	}
}

// TestKeyringRequiresAKey is what a gateway or worker is told when no key is configured.
func TestKeyringRequiresAKey(t *testing.T) {
	_, err := defaults.Actions.Keyring()
	if err == nil || !strings.Contains(err.Error(), "actions.signing_keys") {
		t.Fatalf("Keyring() = %v, want a refusal naming actions.signing_keys", err)
	}
}
