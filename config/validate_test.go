package config

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(c *Config)
		wantKeys []string // refused keys, in order; nil = valid
	}{
		{name: "defaults are valid", edit: func(*Config) {}},
		{name: "database url not postgres", edit: func(c *Config) { c.Database.URL = "mysql://u@h/db" }, wantKeys: []string{"database.url"}},
		{name: "database url garbage", edit: func(c *Config) { c.Database.URL = "::not a url" }, wantKeys: []string{"database.url"}},
		{name: "database url empty", edit: func(c *Config) { c.Database.URL = "" }, wantKeys: []string{"database.url"}},
		{name: "database url without host", edit: func(c *Config) { c.Database.URL = "postgres:///signoff" }, wantKeys: []string{"database.url"}},
		{name: "database url with socket host is fine", edit: func(c *Config) { c.Database.URL = "postgres:///signoff?host=/var/run/postgresql" }},
		{name: "database url port out of range", edit: func(c *Config) { c.Database.URL = "postgres://u@h:70000/db" }, wantKeys: []string{"database.url"}},
		{name: "max conns zero", edit: func(c *Config) { c.Database.MaxConns = 0 }, wantKeys: []string{"database.max_conns"}},
		{name: "temporal address without port", edit: func(c *Config) { c.Temporal.Address = "localhost" }, wantKeys: []string{"temporal.address"}},
		{name: "temporal address without host", edit: func(c *Config) { c.Temporal.Address = ":7233" }, wantKeys: []string{"temporal.address"}},
		{name: "temporal address port out of range", edit: func(c *Config) { c.Temporal.Address = "h:0" }, wantKeys: []string{"temporal.address"}},
		{name: "namespace empty", edit: func(c *Config) { c.Temporal.Namespace = "" }, wantKeys: []string{"temporal.namespace"}},
		{name: "task queue empty", edit: func(c *Config) { c.Temporal.TaskQueue = " " }, wantKeys: []string{"temporal.task_queue"}},
		{name: "ui url not http", edit: func(c *Config) { c.Temporal.UIURL = "ftp://h" }, wantKeys: []string{"temporal.ui_url"}},
		{name: "grpc compression unknown", edit: func(c *Config) { c.Temporal.GRPCCompression = "zstd" }, wantKeys: []string{"temporal.grpc_compression"}},
		{name: "grpc compression gzip", edit: func(c *Config) { c.Temporal.GRPCCompression = CompressionGzip }},
		{name: "dev cli empty", edit: func(c *Config) { c.Dev.TemporalCLI = "" }, wantKeys: []string{"dev.temporal_cli"}},
		{name: "dev data dir empty", edit: func(c *Config) { c.Dev.DataDir = "" }, wantKeys: []string{"dev.data_dir"}},
		{name: "dev temporal port out of range", edit: func(c *Config) { c.Dev.TemporalPort = 65536 }, wantKeys: []string{"dev.temporal_port"}},
		{name: "dev ui port out of range", edit: func(c *Config) { c.Dev.UIPort = -1 }, wantKeys: []string{"dev.ui_port"}},
		{name: "dev ports equal", edit: func(c *Config) { c.Dev.UIPort = c.Dev.TemporalPort }, wantKeys: []string{"dev.ui_port"}},
		{name: "gateway addr not host:port", edit: func(c *Config) { c.Gateway.Addr = "8080" }, wantKeys: []string{"gateway.addr"}},
		{name: "gateway addr port out of range", edit: func(c *Config) { c.Gateway.Addr = ":99999" }, wantKeys: []string{"gateway.addr"}},
		{name: "gateway addr any interface any port is fine", edit: func(c *Config) { c.Gateway.Addr = ":0" }},
		{name: "public url relative", edit: func(c *Config) { c.Gateway.PublicURL = "/signoff" }, wantKeys: []string{"gateway.public_url"}},
		{name: "https public url with clear cookies", edit: func(c *Config) { c.Gateway.PublicURL = "https://signoff.example.com" }, wantKeys: []string{"gateway.secure_cookies"}},
		{name: "https public url with secure cookies", edit: func(c *Config) {
			c.Gateway.PublicURL = "https://signoff.example.com"
			c.Gateway.SecureCookies = true
		}},
		{name: "max body zero", edit: func(c *Config) { c.Gateway.MaxBodyBytes = 0 }, wantKeys: []string{"gateway.max_body_bytes"}},
		{name: "read timeout zero", edit: func(c *Config) { c.Gateway.ReadTimeout = 0 }, wantKeys: []string{"gateway.read_timeout"}},
		{name: "write timeout negative", edit: func(c *Config) { c.Gateway.WriteTimeout = -time.Second }, wantKeys: []string{"gateway.write_timeout"}},
		{name: "shutdown timeout zero", edit: func(c *Config) { c.Gateway.ShutdownTimeout = 0 }, wantKeys: []string{"gateway.shutdown_timeout"}},
		{name: "action timeout zero", edit: func(c *Config) { c.Gateway.ActionTimeout = 0 }, wantKeys: []string{"gateway.action_timeout"}},
		{name: "token ttl zero", edit: func(c *Config) { c.Auth.TokenTTL = 0 }, wantKeys: []string{"auth.token_ttl"}},
		{name: "sso needs its client", edit: func(c *Config) { c.Auth.OIDC.Issuer = "https://login.example.com" },
			wantKeys: []string{"auth.oidc.client_id", "auth.oidc.client_secret", "auth.oidc.redirect_url"}},
		{name: "sso complete", edit: func(c *Config) {
			c.Auth.OIDC = OIDCConfig{Issuer: "https://login.example.com", ClientID: "signoff", ClientSecret: "s",
				RedirectURL: "https://signoff.example.com/login/sso/callback", Scopes: "openid email", UserClaim: "email"}
		}},
		{name: "sso issuer not a URL", edit: func(c *Config) {
			c.Auth.OIDC = OIDCConfig{Issuer: "login.example.com", ClientID: "signoff", ClientSecret: "s",
				RedirectURL: "https://signoff.example.com/login/sso/callback", UserClaim: "email"}
		}, wantKeys: []string{"auth.oidc.issuer"}},
		{name: "worker activities zero", edit: func(c *Config) { c.Worker.MaxConcurrentActivities = 0 }, wantKeys: []string{"worker.max_concurrent_activities"}},
		{name: "worker workflow tasks negative", edit: func(c *Config) { c.Worker.MaxConcurrentWorkflowTasks = -3 }, wantKeys: []string{"worker.max_concurrent_workflow_tasks"}},
		{name: "smtp tls unknown", edit: func(c *Config) { c.Notify.SMTP.TLS = "ssl" }, wantKeys: []string{"notify.smtp.tls"}},
		{name: "smtp implicit tls", edit: func(c *Config) { c.Notify.SMTP.TLS = SMTPImplicitTLS }},
		{name: "smtp port out of range", edit: func(c *Config) { c.Notify.SMTP.Port = 70000 }, wantKeys: []string{"notify.smtp.port"}},
		{name: "smtp from not an address", edit: func(c *Config) { c.Notify.SMTP.Host = "mail"; c.Notify.SMTP.From = "nobody" }, wantKeys: []string{"notify.smtp.from"}},
		{name: "smtp from unchecked while disabled", edit: func(c *Config) { c.Notify.SMTP.From = "nobody" }},
		{name: "smtp password without user", edit: func(c *Config) { c.Notify.SMTP.Password = "pw" }, wantKeys: []string{"notify.smtp.username"}},
		{name: "webhook url not http", edit: func(c *Config) { c.Notify.Webhook.URL = "hooks.internal/x" }, wantKeys: []string{"notify.webhook.url"}},
		{name: "notify timeout zero", edit: func(c *Config) { c.Notify.Timeout = 0 }, wantKeys: []string{"notify.timeout"}},
		{name: "payment mode unknown", edit: func(c *Config) { c.Payment.Mode = "auto" }, wantKeys: []string{"payment.mode"}},
		{name: "connector mode needs url", edit: func(c *Config) { c.Payment.Mode = PaymentConnector; c.Payment.ConnectorToken = "token" }, wantKeys: []string{"payment.connector_url"}},
		{name: "connector mode with url", edit: func(c *Config) {
			c.Payment.Mode = PaymentConnector
			c.Payment.ConnectorURL = "https://pay.internal/v1"
			c.Payment.ConnectorToken = "token"
		}},
		{name: "connector mode signed", edit: func(c *Config) {
			c.Payment.Mode = PaymentConnector
			c.Payment.ConnectorURL = "https://pay.internal/v1"
			c.Payment.ConnectorSigningSecret = "key"
		}},
		{name: "connector mode unauthenticated", edit: func(c *Config) {
			c.Payment.Mode = PaymentConnector
			c.Payment.ConnectorURL = "https://pay.internal/v1"
		}, wantKeys: []string{"payment.connector_token"}},
		{name: "connector url bad", edit: func(c *Config) { c.Payment.ConnectorURL = "pay" }, wantKeys: []string{"payment.connector_url"}},
		{name: "log level unknown", edit: func(c *Config) { c.Log.Level = "DEBUG" }, wantKeys: []string{"log.level"}},
		{name: "log format unknown", edit: func(c *Config) { c.Log.Format = "xml" }, wantKeys: []string{"log.format"}},
		{
			name: "every bad key is named at once",
			edit: func(c *Config) {
				c.Database.URL = "http://x"
				c.Temporal.TaskQueue = ""
				c.Gateway.ReadTimeout = 0
				c.Log.Level = "verbose"
			},
			wantKeys: []string{"database.url", "temporal.task_queue", "gateway.read_timeout", "log.level"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := defaults
			tt.edit(&c)
			err := c.Validate()
			if tt.wantKeys == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var verr ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Validate = %v, want a ValidationError", err)
			}
			if !reflect.DeepEqual(verr.Keys(), tt.wantKeys) {
				t.Errorf("refused %v, want %v (%v)", verr.Keys(), tt.wantKeys, err)
			}
			for _, key := range tt.wantKeys {
				if !strings.Contains(err.Error(), key+": ") {
					t.Errorf("message %q does not name %s", err, key)
				}
			}
		})
	}
}

func TestValidateNeverQuotesDatabasePassword(t *testing.T) {
	c := defaults
	c.Database.URL = "mysql://u:hunter2@h/db"
	err := c.Validate()
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Validate = %v: want an error without the password", err)
	}
}
