// Package config is Signoff's one source of settings: a typed Config read once at
// start from defaults, an optional YAML file and SIGNOFF_* environment variables,
// validated before anything runs and logged with its secrets masked.
//
// Precedence, lowest first: built-in defaults, the YAML file, the environment.
// A key such as notify.smtp.port is read from SIGNOFF_NOTIFY_SMTP_PORT; plain
// DATABASE_URL is honoured when SIGNOFF_DATABASE_URL is unset. An environment
// variable that is set but empty counts as unset.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// Config is every setting of every Signoff command. Pass each part only the
// sub-config it needs.
type Config struct {
	Database DatabaseConfig `mapstructure:"database"`
	Temporal TemporalConfig `mapstructure:"temporal"`
	Dev      DevConfig      `mapstructure:"dev"`
	Gateway  GatewayConfig  `mapstructure:"gateway"`
	Auth     AuthConfig     `mapstructure:"auth"`
	Policy   PolicyConfig   `mapstructure:"policy"`
	Worker   WorkerConfig   `mapstructure:"worker"`
	Actions  ActionsConfig  `mapstructure:"actions"`
	Notify   NotifyConfig   `mapstructure:"notify"`
	Payment  PaymentConfig  `mapstructure:"payment"`
	Log      LogConfig      `mapstructure:"log"`
}

// DatabaseConfig locates Signoff's own PostgreSQL database.
type DatabaseConfig struct {
	// URL is what the gateways, workers and commands connect with: in production a login role
	// that is a member of signoff_app, which may not change the append-only tables (see
	// store/migrations/00014_app_role.sql).
	URL string `mapstructure:"url"`
	// MigrateURL is what migrations connect with: the schema's owner. Empty means URL, which
	// then must be the owner (as in development).
	MigrateURL string `mapstructure:"migrate_url"`
	MaxConns   int32  `mapstructure:"max_conns"`
}

// OwnerURL is the URL migrations run with: MigrateURL, or URL when it is not set.
func (c DatabaseConfig) OwnerURL() string {
	if c.MigrateURL != "" {
		return c.MigrateURL
	}
	return c.URL
}

// TemporalConfig locates the Temporal frontend the worker and gateway talk to.
type TemporalConfig struct {
	Address   string `mapstructure:"address"`
	Namespace string `mapstructure:"namespace"`
	TaskQueue string `mapstructure:"task_queue"`
	UIURL     string `mapstructure:"ui_url"`
	// GRPCCompression is CompressionNone or CompressionGzip.
	GRPCCompression string `mapstructure:"grpc_compression"`
	// APIKey is sent as a bearer token on every call (Temporal Cloud's API keys); it turns TLS on
	// even when TLS.Enabled is false, as the SDK does, so the key never travels in clear.
	APIKey string            `mapstructure:"api_key"`
	TLS    TemporalTLSConfig `mapstructure:"tls"`
}

// gRPC compression settings.
const (
	CompressionNone = "none"
	CompressionGzip = "gzip"
)

// DevConfig is used only by `signoff dev`, which starts a local Temporal dev server.
type DevConfig struct {
	TemporalCLI  string `mapstructure:"temporal_cli"`
	DataDir      string `mapstructure:"data_dir"`
	TemporalPort int    `mapstructure:"temporal_port"`
	UIPort       int    `mapstructure:"ui_port"`
	Demo         bool   `mapstructure:"demo"`
}

// GatewayConfig is the HTTP server's.
type GatewayConfig struct {
	Addr            string        `mapstructure:"addr"`
	PublicURL       string        `mapstructure:"public_url"`
	MaxBodyBytes    int64         `mapstructure:"max_body_bytes"`
	ReadTimeout     time.Duration `mapstructure:"read_timeout"`
	WriteTimeout    time.Duration `mapstructure:"write_timeout"`
	ShutdownTimeout time.Duration `mapstructure:"shutdown_timeout"`
	ActionTimeout   time.Duration `mapstructure:"action_timeout"`
	// MaxUploadBytes bounds one attached file; a web form post may carry up to four of them.
	MaxUploadBytes int64 `mapstructure:"max_upload_bytes"`
	// SecureCookies marks the web session cookie Secure even when the request arrived over
	// plain HTTP, for a gateway behind a proxy that terminates TLS. Requests that arrive over
	// TLS always get Secure cookies.
	SecureCookies bool `mapstructure:"secure_cookies"`
}

// HTTPS reports whether users reach the gateway over TLS (an https public URL): then cookies must
// be Secure and every answer carries HSTS.
func (c GatewayConfig) HTTPS() bool {
	u, err := url.Parse(c.PublicURL)
	return err == nil && u.Scheme == "https"
}

// AuthConfig governs session tokens and password sign-in. Every counter lives in PostgreSQL, so
// these hold across any number of gateways.
type AuthConfig struct {
	// TokenTTL is how long a session token lives. Tokens are random and stored hashed in
	// PostgreSQL, so every gateway accepts every other's tokens without a shared secret.
	TokenTTL time.Duration `mapstructure:"token_ttl"`
	// IdleTimeout ends a session not used for this long, before TokenTTL; every request that
	// uses the session starts it again.
	IdleTimeout time.Duration `mapstructure:"idle_timeout"`
	// MaxFailures refused passwords for one account within FailureWindow lock the account for
	// Lockout.
	MaxFailures int `mapstructure:"max_failures"`
	// MaxAddressFailures refused passwords from one client address (for any accounts) within
	// FailureWindow lock that address for Lockout: it bounds guessing across many accounts.
	MaxAddressFailures int `mapstructure:"max_address_failures"`
	// FailureWindow is the window failures are counted in, from the first failure.
	FailureWindow time.Duration `mapstructure:"failure_window"`
	// Lockout is how long a locked account or address is refused, even with the right password.
	Lockout time.Duration `mapstructure:"lockout"`
	// MinPasswordLength is the fewest characters a new password may have.
	MinPasswordLength int `mapstructure:"min_password_length"`
	// OIDC is single sign-on through the company's OpenID provider (config/oidc.go).
	OIDC OIDCConfig `mapstructure:"oidc"`
}

// PolicyConfig says where the approval policy comes from.
type PolicyConfig struct {
	// File is a policy YAML file. gateway, worker and migrate refuse to start without it unless
	// given --demo; only `signoff dev` falls back to the built-in demo policy by itself.
	File string `mapstructure:"file"`
}

// WorkerConfig bounds the Temporal worker's concurrency.
type WorkerConfig struct {
	MaxConcurrentActivities    int `mapstructure:"max_concurrent_activities"`
	MaxConcurrentWorkflowTasks int `mapstructure:"max_concurrent_workflow_tasks"`
}

// NotifyConfig configures outbound notifications.
type NotifyConfig struct {
	SMTP    SMTPConfig    `mapstructure:"smtp"`
	Webhook WebhookConfig `mapstructure:"webhook"`
	Timeout time.Duration `mapstructure:"timeout"`
}

// SMTPConfig configures e-mail; an empty Host disables e-mail.
type SMTPConfig struct {
	Host     string `mapstructure:"host"`
	Port     int    `mapstructure:"port"`
	From     string `mapstructure:"from"`
	Username string `mapstructure:"username"`
	Password string `mapstructure:"password"`
	// TLS is SMTPStartTLS, SMTPImplicitTLS or SMTPNoTLS.
	TLS string `mapstructure:"tls"`
}

// SMTP encryption settings (notify.smtp.tls); notify implements them.
const (
	SMTPStartTLS    = "starttls"
	SMTPImplicitTLS = "implicit"
	SMTPNoTLS       = "none"
)

// Enabled reports whether e-mail is to be sent.
func (c SMTPConfig) Enabled() bool { return c.Host != "" }

// WebhookConfig configures the outbound webhook; an empty URL disables it.
type WebhookConfig struct {
	URL    string `mapstructure:"url"`
	Secret string `mapstructure:"secret"`
}

// Enabled reports whether webhooks are to be sent.
func (c WebhookConfig) Enabled() bool { return c.URL != "" }

// Payment modes.
const (
	PaymentManual    = "manual"
	PaymentConnector = "connector"
)

// PaymentConfig says how approved payments are released.
type PaymentConfig struct {
	Mode         string `mapstructure:"mode"`
	ConnectorURL string `mapstructure:"connector_url"`
	// ConnectorToken is sent to the connector as a bearer token.
	ConnectorToken string `mapstructure:"connector_token"`
	// ConnectorSigningSecret signs every request to the connector (activities.SignatureHeader).
	ConnectorSigningSecret string `mapstructure:"connector_signing_secret"`
}

// LogConfig configures the process logger; see NewLogger.
type LogConfig struct {
	Level  string `mapstructure:"level"`
	Format string `mapstructure:"format"`
}

// EnvConfigFile names the variable that points at the YAML file when the
// caller was given no --config flag.
const EnvConfigFile = "SIGNOFF_CONFIG"

// Load builds the Config from defaults, the YAML file and environ (usually
// os.Environ()), and validates it. path is the --config flag; when it is empty,
// SIGNOFF_CONFIG from environ is used; when both are empty no file is read. A file
// that is named but missing is an error, and so is any key the file has that
// Signoff does not know.
func Load(path string, environ []string) (Config, error) {
	env := environMap(environ)
	if path == "" {
		path = env[EnvConfigFile]
	}

	v := viper.New()
	for _, k := range keys {
		v.SetDefault(k.Name, k.Default)
	}

	if path != "" {
		v.SetConfigFile(path)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return Config{}, fmt.Errorf("load config: read %s: %w", path, err)
		}
	}

	// The environment is applied with Set, viper's highest precedence, from the
	// environ given rather than the process's, so that Load is a pure function of
	// its arguments and tests cannot leak into each other.
	for _, k := range keys {
		if value := env[k.Env()]; value != "" {
			v.Set(k.Name, value)
		}
	}
	if env[keyDatabaseURL.Env()] == "" && env["DATABASE_URL"] != "" {
		v.Set(keyDatabaseURL.Name, env["DATABASE_URL"])
	}

	var cfg Config
	if err := v.UnmarshalExact(&cfg, viper.DecodeHook(decodeHook)); err != nil {
		if path != "" {
			return Config{}, fmt.Errorf("load config: %s: %w", path, err)
		}
		return Config{}, fmt.Errorf("load config: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("load config: %w", err)
	}
	return cfg, nil
}

// environMap turns KEY=VALUE pairs into a map; a later pair wins, as in os/exec.
func environMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if name, value, ok := strings.Cut(kv, "="); ok {
			m[name] = value
		}
	}
	return m
}

var decodeHook = mapstructure.ComposeDecodeHookFunc(
	refuseBareNumberDuration,
	mapstructure.StringToTimeDurationHookFunc(),
	stringToSigningKeys,
)

// refuseBareNumberDuration stops `read_timeout: 15` from silently meaning 15ns.
func refuseBareNumberDuration(from, to reflect.Type, data any) (any, error) {
	if to != reflect.TypeFor[time.Duration]() {
		return data, nil
	}
	switch from.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return nil, errors.New("a duration needs a unit, e.g. 15s, 10m or 12h")
	}
	return data, nil
}
