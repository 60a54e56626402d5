package temporalclient_test

import (
	"context"
	"crypto/x509"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"signoff/config"
	"signoff/temporalclient"
	"signoff/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestOptionsBuildTLS: the configured certificate, CA and server name reach the connection
// options, and an API key becomes the client's credentials.
func TestOptionsBuildTLS(t *testing.T) {
	ca := newTestCA(t)
	certFile, keyFile := ca.issue(t, "signoff-worker", x509.ExtKeyUsageClientAuth)
	cfg := config.TemporalConfig{Address: "temporal.internal:7233", Namespace: "default", APIKey: "key-1",
		TLS: config.TemporalTLSConfig{Enabled: true, CertFile: certFile, KeyFile: keyFile,
			CAFile: ca.path("ca.pem"), ServerName: "temporal.internal"}}
	opts, err := temporalclient.Options(cfg, cfg.Address, quiet)
	if err != nil {
		t.Fatal(err)
	}
	tc := opts.ConnectionOptions.TLS
	if tc == nil {
		t.Fatal("no TLS configuration")
	}
	if tc.ServerName != "temporal.internal" || len(tc.Certificates) != 1 {
		t.Fatalf("TLS server name %q with %d certificates, want temporal.internal and 1", tc.ServerName, len(tc.Certificates))
	}
	leaf, err := x509.ParseCertificate(tc.Certificates[0].Certificate[0])
	if err != nil || leaf.Subject.CommonName != "signoff-worker" {
		t.Fatalf("client certificate %v (%v), want signoff-worker's", leaf, err)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: tc.RootCAs, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("the configured roots are not the CA: %v", err)
	}
	if opts.Credentials == nil {
		t.Fatal("temporal.api_key did not become credentials")
	}

	plain, err := temporalclient.Options(config.TemporalConfig{Address: cfg.Address}, cfg.Address, quiet)
	if err != nil || plain.ConnectionOptions.TLS != nil || plain.Credentials != nil {
		t.Fatalf("without TLS settings: TLS %v, credentials %v, error %v; want none", plain.ConnectionOptions.TLS, plain.Credentials, err)
	}

	cfg.TLS.KeyFile = ca.path("absent-key.pem")
	if _, err := temporalclient.Options(cfg, cfg.Address, quiet); err == nil || !strings.Contains(err.Error(), "temporal.tls.key_file") {
		t.Fatalf("Options with a missing key file = %v, want an error naming temporal.tls.key_file", err)
	}
}

// TestMutualTLSToDevServer dials the dev server through a proxy that requires a client
// certificate signed by the test's CA: the configured client reaches the namespace; the same
// client without its certificate is refused.
func TestMutualTLSToDevServer(t *testing.T) {
	ca := newTestCA(t)
	addr, refused := tlsProxy(t, ca.serverTLS(t, "temporal.test"), testkit.TemporalAddress(t))
	certFile, keyFile := ca.issue(t, "signoff-gateway", x509.ExtKeyUsageClientAuth)
	cfg := config.TemporalConfig{Address: addr, Namespace: "default",
		TLS: config.TemporalTLSConfig{Enabled: true, CertFile: certFile, KeyFile: keyFile,
			CAFile: ca.path("ca.pem"), ServerName: "temporal.test"}}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := dial(ctx, t, cfg)
	if err != nil {
		t.Fatalf("the client with its certificate was refused: %v", err)
	}
	defer c.Close()
	if _, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "default"}); err != nil {
		t.Fatalf("describe namespace over mTLS: %v", err)
	}

	cfg.TLS.CertFile, cfg.TLS.KeyFile = "", ""
	refusedCtx, cancelRefused := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelRefused()
	c2, err := dial(refusedCtx, t, cfg)
	if err == nil {
		c2.Close()
		t.Fatal("the client without a certificate was let in")
	}
	// Under TLS 1.3 the server refuses the certificate after the client's half of the handshake,
	// so the client sees the alert or, as often, a broken pipe; the server's side says why.
	select {
	case herr := <-refused:
		if !strings.Contains(herr.Error(), "certificate") {
			t.Fatalf("the proxy refused the handshake otherwise than for the certificate: %v (client: %v)", herr, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the client failed (%v) but the proxy refused no handshake", err)
	}
}

// dial connects with the options temporalclient builds.
func dial(ctx context.Context, t *testing.T, cfg config.TemporalConfig) (client.Client, error) {
	t.Helper()
	opts, err := temporalclient.Options(cfg, cfg.Address, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return client.DialContext(ctx, opts)
}
