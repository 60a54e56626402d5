package config

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func withSecrets() Config {
	c := defaults
	c.Database.URL = "postgres://app:db-pass-1@db:5432/signoff?sslmode=disable"
	c.Notify.SMTP.Host = "mail"
	c.Notify.SMTP.Username = "mailer"
	c.Notify.SMTP.Password = "smtp-pass-3"
	c.Notify.Webhook.URL = "https://hook:hook-pass-4@hooks.internal/x?access_token=hook-token-7"
	c.Notify.Webhook.Secret = "webhook-secret-5"
	c.Payment.ConnectorURL = "https://pay:pay-pass-6@pay.internal/?api_key=pay-key-8"
	c.Payment.ConnectorToken = "pay-token-9"
	c.Payment.ConnectorSigningSecret = "pay-signing-10"
	c.Auth.OIDC.ClientSecret = "oidc-secret-11"
	c.Actions.SigningKeys = []SigningKey{{ID: "key-2026-12", Secret: "action-secret-12-0123456789abcdefghij"}}
	c.Actions.SigningKeyID = "key-2026-12"
	c.Temporal.APIKey = "temporal-key-13"
	return c
}

var secretValues = []string{"db-pass-1", "smtp-pass-3", "hook-pass-4", "webhook-secret-5", "pay-pass-6",
	"hook-token-7", "pay-key-8", "pay-token-9", "pay-signing-10", "oidc-secret-11", "action-secret-12", "temporal-key-13"}

func TestLoggedConfigMasksSecrets(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			NewLogger(&buf, LogConfig{Level: "info", Format: format}).Info("starting", "config", withSecrets())
			out := buf.String()
			for _, secret := range secretValues {
				if strings.Contains(out, secret) {
					t.Errorf("log shows secret %q:\n%s", secret, out)
				}
			}
			for _, shown := range []string{"app", "db:5432", "mailer", "hooks.internal", "key-2026-12", maskText, "max_conns", "12h0m0s"} {
				if !strings.Contains(out, shown) {
					t.Errorf("log lacks %q:\n%s", shown, out)
				}
			}
		})
	}
}

func TestLoggedConfigIsGroupedBySection(t *testing.T) {
	var buf bytes.Buffer
	NewLogger(&buf, LogConfig{Level: "info", Format: "json"}).Info("starting", "config", withSecrets())
	var line struct {
		Config struct {
			Database map[string]any `json:"database"`
			Notify   struct {
				SMTP map[string]any `json:"smtp"`
			} `json:"notify"`
		} `json:"config"`
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, buf.String())
	}
	if got, want := line.Config.Database["url"], "postgres://app:xxxxx@db:5432/signoff?sslmode=disable"; got != want {
		t.Errorf("database.url logged as %v, want %v", got, want)
	}
	if got := line.Config.Notify.SMTP["password"]; got != maskText {
		t.Errorf("notify.smtp.password logged as %v, want %v", got, maskText)
	}
}

func TestMasked(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"password in user info", "postgres://u:pw@h/db", "postgres://u:xxxxx@h/db"},
		{"password in query", "postgres://u@h/db?password=pw&sslmode=disable", "postgres://u@h/db?password=xxxxx&sslmode=disable"},
		{"no password", "postgres://u@h/db", "postgres://u@h/db"},
		{"unparsable", "postgres://u:pw@h:port/db", maskText},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := defaults
			c.Database.URL = tt.url
			if got := c.Masked().Database.URL; got != tt.want {
				t.Errorf("Masked database.url = %q, want %q", got, tt.want)
			}
		})
	}

	c := withSecrets()
	_ = c.Masked()
	if c.Notify.SMTP.Password != "smtp-pass-3" || c.Actions.SigningKeys[0].Secret != "action-secret-12-0123456789abcdefghij" {
		t.Error("Masked changed its receiver")
	}
	if got := defaults.Masked(); got.Notify.SMTP.Password != "" {
		t.Error("an unset secret should stay empty in the masked form")
	}
}

func TestNewLoggerLevel(t *testing.T) {
	var buf bytes.Buffer
	log := NewLogger(&buf, LogConfig{Level: "warn", Format: "text"})
	log.Info("hidden")
	log.Warn("shown")
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), "shown") {
		t.Errorf("level warn logged:\n%s", buf.String())
	}
	if !log.Enabled(t.Context(), slog.LevelError) || log.Enabled(t.Context(), slog.LevelInfo) {
		t.Error("level warn: wrong levels enabled")
	}
}
