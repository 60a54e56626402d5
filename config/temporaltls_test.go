package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestTemporalTLSValidation: a client key file that is not there, a certificate that does not
// pair with its key, and files set while TLS is off are each refused by the key they are under.
func TestTemporalTLSValidation(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "client.pem"), filepath.Join(dir, "client-key.pem")
	writeText(t, cert, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	writeText(t, key, "not a key")
	cases := []struct {
		name    string
		tls     TemporalTLSConfig
		key     string
		problem string
	}{
		{"missing key file", TemporalTLSConfig{Enabled: true, CertFile: cert, KeyFile: filepath.Join(dir, "absent.pem")},
			"temporal.tls.key_file", "cannot be read"},
		{"pair does not match", TemporalTLSConfig{Enabled: true, CertFile: cert, KeyFile: key},
			"temporal.tls.cert_file", "does not pair with temporal.tls.key_file"},
		{"cert without key", TemporalTLSConfig{Enabled: true, CertFile: cert},
			"temporal.tls.key_file", "must be set with temporal.tls.cert_file"},
		{"ca not pem", TemporalTLSConfig{Enabled: true, CAFile: key},
			"temporal.tls.ca_file", "holds no PEM certificate"},
		{"files while off", TemporalTLSConfig{CAFile: key},
			"temporal.tls.ca_file", "temporal.tls.enabled is false"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := defaults
			c.Temporal.TLS = tc.tls
			err := c.Validate()
			verr, ok := err.(ValidationError)
			if !ok {
				t.Fatalf("Validate = %v, want a ValidationError", err)
			}
			if !slices.Contains(verr.Keys(), tc.key) || !strings.Contains(err.Error(), tc.problem) {
				t.Fatalf("Validate = %v, want %s: …%s…", err, tc.key, tc.problem)
			}
			if _, err := tc.tls.ClientTLS(); err == nil || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("ClientTLS = %v, want an error naming %s", err, tc.key)
			}
		})
	}
}

// TestTemporalTLSOff: without TLS settings the defaults validate and the client gets no TLS.
func TestTemporalTLSOff(t *testing.T) {
	if got, err := defaults.Temporal.TLS.ClientTLS(); got != nil || err != nil {
		t.Fatalf("ClientTLS = %v, %v; want nil, nil", got, err)
	}
}

func writeText(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}
