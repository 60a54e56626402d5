package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// TemporalTLSConfig is how Signoff's processes reach a Temporal frontend over TLS, and with a
// client certificate when the cluster asks for one (mTLS). Without it anyone who reaches the
// frontend's port can drive the workflows; deploy/ keeps the port private and uses these.
type TemporalTLSConfig struct {
	Enabled  bool   `mapstructure:"enabled"`
	CertFile string `mapstructure:"cert_file"`
	KeyFile  string `mapstructure:"key_file"`
	// CAFile holds the CA certificates that sign the server's certificate; empty means the
	// system's roots (a public cluster such as Temporal Cloud).
	CAFile string `mapstructure:"ca_file"`
	// ServerName is checked against the server's certificate instead of the address's host.
	ServerName string `mapstructure:"server_name"`
}

// ClientTLS builds the crypto/tls configuration for the Temporal client: nil when TLS is off,
// else the client certificate, the trusted CAs and the expected server name. Its errors name
// the key whose file cannot be read or does not hold what it should, as Validate reports them.
func (t TemporalTLSConfig) ClientTLS() (*tls.Config, error) {
	errs := t.problems()
	if len(errs) > 0 {
		return nil, errs
	}
	if !t.Enabled {
		return nil, nil
	}
	out := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
	if t.CertFile != "" {
		pair, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, ValidationError{{Key: "temporal.tls.cert_file", Problem: err.Error()}}
		}
		out.Certificates = []tls.Certificate{pair}
	}
	if t.CAFile != "" {
		pool, err := readCAs(t.CAFile)
		if err != nil {
			return nil, ValidationError{{Key: "temporal.tls.ca_file", Problem: err.Error()}}
		}
		out.RootCAs = pool
	}
	return out, nil
}

// problems checks the settings and reads every named file: a file that is missing, unreadable
// or not PEM, and a certificate that does not match its key, are each named by their key.
func (t TemporalTLSConfig) problems() ValidationError {
	var errs ValidationError
	add := func(key string, err error) {
		if err != nil {
			errs = append(errs, FieldError{Key: key, Problem: err.Error()})
		}
	}
	if !t.Enabled {
		for _, kv := range [][2]string{{"temporal.tls.cert_file", t.CertFile}, {"temporal.tls.key_file", t.KeyFile},
			{"temporal.tls.ca_file", t.CAFile}, {"temporal.tls.server_name", t.ServerName}} {
			if kv[1] != "" {
				add(kv[0], errors.New("is set but temporal.tls.enabled is false"))
			}
		}
		return errs
	}
	switch {
	case t.CertFile != "" && t.KeyFile == "":
		add("temporal.tls.key_file", errors.New("must be set with temporal.tls.cert_file"))
	case t.CertFile == "" && t.KeyFile != "":
		add("temporal.tls.cert_file", errors.New("must be set with temporal.tls.key_file"))
	}
	certOK, keyOK := true, true
	if t.CertFile != "" {
		certOK = readable(t.CertFile, add, "temporal.tls.cert_file")
	}
	if t.KeyFile != "" {
		keyOK = readable(t.KeyFile, add, "temporal.tls.key_file")
	}
	if t.CertFile != "" && t.KeyFile != "" && certOK && keyOK {
		if _, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile); err != nil {
			add("temporal.tls.cert_file", fmt.Errorf("does not pair with temporal.tls.key_file: %w", err))
		}
	}
	if t.CAFile != "" {
		_, err := readCAs(t.CAFile)
		add("temporal.tls.ca_file", err)
	}
	return errs
}

func readable(path string, add func(string, error), key string) bool {
	if _, err := os.ReadFile(path); err != nil {
		add(key, fmt.Errorf("cannot be read: %w", err))
		return false
	}
	return true
}

func readCAs(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot be read: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}
