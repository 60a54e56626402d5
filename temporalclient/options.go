// Package temporalclient builds the options every Signoff process dials Temporal with, so that
// the gateway, the worker, migrate and the benchmarks reach it the same way: compression, TLS
// with a client certificate (mTLS) and an API key, all from config.TemporalConfig.
package temporalclient

import (
	"fmt"
	"log/slog"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"signoff/config"
)

// Options are the client options for the frontend at hostPort (usually cfg.Address; `signoff
// dev` passes its own server's). The error names the temporal.tls key whose file cannot be read
// or whose certificate does not match its key.
func Options(cfg config.TemporalConfig, hostPort string, log *slog.Logger) (client.Options, error) {
	var compression client.GrpcCompression = &client.GrpcCompressionNone{}
	if cfg.GRPCCompression == config.CompressionGzip {
		compression = &client.GrpcCompressionGzip{}
	}
	tlsConfig, err := cfg.TLS.ClientTLS()
	if err != nil {
		return client.Options{}, fmt.Errorf("temporal client: %w", err)
	}
	opts := client.Options{
		HostPort: hostPort, Namespace: cfg.Namespace,
		Logger:            sdklog.NewStructuredLogger(log.With("component", "temporal")),
		ConnectionOptions: client.ConnectionOptions{GrpcCompression: compression, TLS: tlsConfig},
	}
	if cfg.APIKey != "" {
		// The SDK turns TLS on (system roots) when TLS is nil and an API key is set.
		opts.Credentials = client.NewAPIKeyStaticCredentials(cfg.APIKey)
	}
	return opts, nil
}
