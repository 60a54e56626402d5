package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FieldError is one refused setting.
type FieldError struct {
	Key     string // dotted name, e.g. "gateway.addr"
	Problem string
}

func (e FieldError) Error() string { return e.Key + ": " + e.Problem }

// ValidationError lists every refused setting, so that one start names them all.
type ValidationError []FieldError

func (e ValidationError) Error() string {
	msgs := make([]string, len(e))
	for i, fe := range e {
		msgs[i] = fe.Error()
	}
	return "invalid configuration: " + strings.Join(msgs, "; ")
}

// Keys returns the names of the refused settings.
func (e ValidationError) Keys() []string {
	names := make([]string, len(e))
	for i, fe := range e {
		names[i] = fe.Key
	}
	return names
}

var (
	logLevels    = []string{"debug", "info", "warn", "error"}
	logFormats   = []string{"text", "json"}
	paymentModes = []string{PaymentManual, PaymentConnector}
)

// Validate checks every setting and returns a ValidationError naming each bad
// one, or nil.
func (c Config) Validate() error {
	var errs ValidationError
	check := func(key string, err error) {
		if err != nil {
			errs = append(errs, FieldError{Key: key, Problem: err.Error()})
		}
	}

	check("database.url", checkPostgresURL(c.Database.URL))
	if c.Database.MigrateURL != "" {
		check("database.migrate_url", checkPostgresURL(c.Database.MigrateURL))
	}
	check("database.max_conns", checkPositive(int64(c.Database.MaxConns)))

	check("temporal.address", checkHostPort(c.Temporal.Address, false))
	check("temporal.namespace", checkNotEmpty(c.Temporal.Namespace))
	check("temporal.task_queue", checkNotEmpty(c.Temporal.TaskQueue))
	check("temporal.ui_url", checkHTTPURL(c.Temporal.UIURL))
	check("temporal.grpc_compression", checkOneOf(c.Temporal.GRPCCompression, []string{CompressionNone, CompressionGzip}))
	errs = append(errs, c.Temporal.TLS.problems()...)

	check("dev.temporal_cli", checkNotEmpty(c.Dev.TemporalCLI))
	check("dev.data_dir", checkNotEmpty(c.Dev.DataDir))
	check("dev.temporal_port", checkPort(c.Dev.TemporalPort))
	check("dev.ui_port", checkPort(c.Dev.UIPort))
	if c.Dev.UIPort == c.Dev.TemporalPort {
		check("dev.ui_port", fmt.Errorf("must differ from dev.temporal_port (%d)", c.Dev.TemporalPort))
	}

	check("gateway.addr", checkHostPort(c.Gateway.Addr, true))
	check("gateway.public_url", checkHTTPURL(c.Gateway.PublicURL))
	check("gateway.secure_cookies", checkSecureCookies(c.Gateway))
	check("gateway.max_body_bytes", checkPositive(c.Gateway.MaxBodyBytes))
	check("gateway.read_timeout", checkDuration(c.Gateway.ReadTimeout))
	check("gateway.write_timeout", checkDuration(c.Gateway.WriteTimeout))
	check("gateway.shutdown_timeout", checkDuration(c.Gateway.ShutdownTimeout))
	check("gateway.action_timeout", checkDuration(c.Gateway.ActionTimeout))
	check("gateway.max_upload_bytes", checkPositive(c.Gateway.MaxUploadBytes))

	check("auth.token_ttl", checkDuration(c.Auth.TokenTTL))
	check("auth.idle_timeout", checkDuration(c.Auth.IdleTimeout))
	check("auth.max_failures", checkPositive(int64(c.Auth.MaxFailures)))
	check("auth.max_address_failures", checkPositive(int64(c.Auth.MaxAddressFailures)))
	check("auth.failure_window", checkDuration(c.Auth.FailureWindow))
	check("auth.lockout", checkDuration(c.Auth.Lockout))
	check("auth.min_password_length", checkPositive(int64(c.Auth.MinPasswordLength)))
	c.Auth.OIDC.validate(check)

	check("worker.max_concurrent_activities", checkPositive(int64(c.Worker.MaxConcurrentActivities)))
	check("worker.max_concurrent_workflow_tasks", checkPositive(int64(c.Worker.MaxConcurrentWorkflowTasks)))

	c.Actions.validate(check)

	check("notify.smtp.port", checkPort(c.Notify.SMTP.Port))
	check("notify.smtp.tls", checkOneOf(c.Notify.SMTP.TLS, []string{SMTPStartTLS, SMTPImplicitTLS, SMTPNoTLS}))
	if c.Notify.SMTP.Enabled() {
		if _, err := mail.ParseAddress(c.Notify.SMTP.From); err != nil {
			check("notify.smtp.from", fmt.Errorf("not an e-mail address (%q)", c.Notify.SMTP.From))
		}
	}
	if c.Notify.SMTP.Password != "" && c.Notify.SMTP.Username == "" {
		check("notify.smtp.username", fmt.Errorf("required when notify.smtp.password is set"))
	}
	if c.Notify.Webhook.Enabled() {
		check("notify.webhook.url", checkHTTPURL(c.Notify.Webhook.URL))
	}
	check("notify.timeout", checkDuration(c.Notify.Timeout))

	check("payment.mode", checkOneOf(c.Payment.Mode, paymentModes))
	switch {
	case c.Payment.Mode == PaymentConnector && c.Payment.ConnectorURL == "":
		check("payment.connector_url", fmt.Errorf("required when payment.mode is %s", PaymentConnector))
	case c.Payment.ConnectorURL != "":
		check("payment.connector_url", checkHTTPURL(c.Payment.ConnectorURL))
	}
	if c.Payment.Mode == PaymentConnector && c.Payment.ConnectorToken == "" && c.Payment.ConnectorSigningSecret == "" {
		check("payment.connector_token", fmt.Errorf("payment.connector_token or payment.connector_signing_secret is required when payment.mode is %s: a payment call must be authenticated", PaymentConnector))
	}

	check("log.level", checkOneOf(c.Log.Level, logLevels))
	check("log.format", checkOneOf(c.Log.Format, logFormats))

	if len(errs) > 0 {
		return errs
	}
	return nil
}

// checkSecureCookies refuses an https public URL with cookies that may travel in clear: behind a
// proxy that terminates TLS the gateway sees plain HTTP and would not mark the session cookie
// Secure by itself. Refused rather than forced, so the file says what the gateway does.
func checkSecureCookies(g GatewayConfig) error {
	if g.HTTPS() && !g.SecureCookies {
		return fmt.Errorf("must be true when gateway.public_url is https (%s), so the session cookie never travels in clear", g.PublicURL)
	}
	return nil
}

func checkNotEmpty(s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("must not be empty")
	}
	return nil
}

func checkPositive(n int64) error {
	if n <= 0 {
		return fmt.Errorf("must be positive (got %d)", n)
	}
	return nil
}

func checkDuration(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("must be a positive duration such as 15s (got %s)", d)
	}
	return nil
}

func checkPort(port int) error {
	if port < 1 || port > 65535 {
		return fmt.Errorf("port %d out of range 1-65535", port)
	}
	return nil
}

// checkHostPort accepts host:port. A listen address may leave the host empty
// (all interfaces) and use port 0 (any free port); an address to dial may not.
func checkHostPort(addr string, listen bool) error {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("not host:port (%q)", addr)
	}
	if host == "" && !listen {
		return fmt.Errorf("host missing in %q", addr)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return fmt.Errorf("port %q is not a number", portText)
	}
	if listen && port == 0 {
		return nil
	}
	return checkPort(port)
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return fmt.Errorf("not a URL (%q)", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("scheme must be http or https (%q)", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("host missing in %q", raw)
	}
	return checkURLPort(u)
}

// checkPostgresURL refuses anything but a postgres:// URL. Its message never
// quotes the URL, which may hold a password.
func checkPostgresURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return fmt.Errorf("not a URL")
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("scheme must be postgres or postgresql (got %q)", u.Scheme)
	}
	// A socket directory in ?host= stands in for the URL's host.
	if u.Host == "" && u.Query().Get("host") == "" {
		return fmt.Errorf("host missing")
	}
	return checkURLPort(u)
}

func checkURLPort(u *url.URL) error {
	if u.Port() == "" {
		return nil
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return fmt.Errorf("port %q is not a number", u.Port())
	}
	return checkPort(port)
}

func checkOneOf(s string, allowed []string) error {
	if !slices.Contains(allowed, s) {
		return fmt.Errorf("%q is not one of %s", s, strings.Join(allowed, ", "))
	}
	return nil
}
