package config

import (
	"fmt"
	"strings"
)

// Key describes one setting: its dotted name in the YAML file, its default and
// what it does. Reference returns them all, in the order of Config's fields.
type Key struct {
	Name        string // dotted path in the YAML file, e.g. "database.url"
	Default     string // as written in YAML
	Secret      bool   // masked when the configuration is logged
	Description string
}

// Env is the environment variable that overrides the key, e.g. SIGNOFF_DATABASE_URL.
func (k Key) Env() string {
	return "SIGNOFF_" + strings.ToUpper(strings.ReplaceAll(k.Name, ".", "_"))
}

var keyDatabaseURL = Key{
	Name:        "database.url",
	Default:     "postgres://postgres@127.0.0.1:5432/signoff?sslmode=disable",
	Secret:      true,
	Description: "PostgreSQL URL of Signoff's own database; its password is masked in logs. Plain DATABASE_URL is used when SIGNOFF_DATABASE_URL is unset.",
}

// keys is the single list of settings: Load sets their defaults, the tests check
// it against Config's fields, and REFERENCE.md is generated from it.
var keys = []Key{
	keyDatabaseURL,
	{Name: "database.migrate_url", Default: "", Secret: true, Description: "PostgreSQL URL migrations run with: the schema's owner, while database.url is the application's role (a member of signoff_app). Empty = database.url, which must then be the owner."},
	{Name: "database.max_conns", Default: "20", Description: "Largest number of open connections in each process's pool."},

	{Name: "temporal.address", Default: "127.0.0.1:7233", Description: "host:port of the Temporal frontend."},
	{Name: "temporal.namespace", Default: "default", Description: "Temporal namespace."},
	{Name: "temporal.task_queue", Default: "signoff", Description: "Task queue the worker polls and the gateway starts workflows on."},
	{Name: "temporal.ui_url", Default: "http://127.0.0.1:8233", Description: "Temporal Web UI base URL, for links shown to operators."},
	{Name: "temporal.grpc_compression", Default: CompressionNone, Description: "Compression of requests to Temporal: none (same network; saves CPU on both ends) or gzip (a distant cluster)."},
	{Name: "temporal.api_key", Default: "", Secret: true, Description: "API key sent as a bearer token on every call to Temporal (Temporal Cloud); it turns TLS on even when temporal.tls.enabled is false. Masked in logs."},
	{Name: "temporal.tls.enabled", Default: "false", Description: "Talk to Temporal over TLS, verifying its certificate against temporal.tls.ca_file (or the system's roots). Required by the other temporal.tls keys."},
	{Name: "temporal.tls.cert_file", Default: "", Description: "PEM client certificate presented to Temporal (mTLS); needs temporal.tls.key_file."},
	{Name: "temporal.tls.key_file", Default: "", Description: "PEM private key of temporal.tls.cert_file."},
	{Name: "temporal.tls.ca_file", Default: "", Description: "PEM CA certificates that sign Temporal's server certificate. Empty = the system's roots."},
	{Name: "temporal.tls.server_name", Default: "", Description: "Name expected in Temporal's certificate when it differs from temporal.address's host."},

	{Name: "dev.temporal_cli", Default: "bin/temporal", Description: "Temporal CLI binary that `signoff dev` runs as a local dev server."},
	{Name: "dev.data_dir", Default: ".signoff", Description: "Directory where `signoff dev` keeps the dev server's data."},
	{Name: "dev.temporal_port", Default: "7233", Description: "Port of the dev server's frontend."},
	{Name: "dev.ui_port", Default: "8233", Description: "Port of the dev server's Web UI."},
	{Name: "dev.demo", Default: "true", Description: "Seed demo users and cases in `signoff dev`."},

	{Name: "gateway.addr", Default: "127.0.0.1:8080", Description: "host:port the HTTP gateway listens on."},
	{Name: "gateway.public_url", Default: "http://127.0.0.1:8080", Description: "URL users reach the gateway at, used in links in notifications and on printed vouchers (the QR code of the verify link). When https, every answer carries Strict-Transport-Security."},
	{Name: "gateway.max_body_bytes", Default: "1048576", Description: "Largest request body accepted, in bytes."},
	{Name: "gateway.read_timeout", Default: "15s", Description: "Time allowed to read a whole request."},
	{Name: "gateway.write_timeout", Default: "30s", Description: "Time allowed to write a response."},
	{Name: "gateway.shutdown_timeout", Default: "10s", Description: "Time in-flight requests get to finish on shutdown."},
	{Name: "gateway.action_timeout", Default: "20s", Description: "Time a user's action (an approval, a new case) may wait on Temporal."},
	{Name: "gateway.max_upload_bytes", Default: "10485760", Description: "Largest attached file (receipt, invoice) accepted, in bytes."},
	{Name: "gateway.secure_cookies", Default: "false", Description: "Mark the web session cookie Secure even on plain HTTP (TLS terminated by a proxy); always Secure over TLS. Must be true when gateway.public_url is https."},

	{Name: "auth.token_ttl", Default: "12h", Description: "Lifetime of a session token."},
	{Name: "auth.idle_timeout", Default: "30m", Description: "A session unused this long ends (each use restarts it)."},
	{Name: "auth.max_failures", Default: "5", Description: "Refused passwords per account within auth.failure_window before it is locked."},
	{Name: "auth.max_address_failures", Default: "20", Description: "Refused passwords per client address within auth.failure_window before it is locked."},
	{Name: "auth.failure_window", Default: "15m", Description: "Window in which refused passwords are counted."},
	{Name: "auth.lockout", Default: "15m", Description: "How long a locked account or address is refused."},
	{Name: "auth.min_password_length", Default: "12", Description: "Fewest characters of a new password."},
	{Name: "auth.oidc.issuer", Default: "", Description: "Issuer URL of the OpenID provider for single sign-on; empty = no \"Sign in with SSO\"."},
	{Name: "auth.oidc.client_id", Default: "", Description: "Client ID Signoff is registered with at the provider."},
	{Name: "auth.oidc.client_secret", Default: "", Secret: true, Description: "Client secret of that registration."},
	{Name: "auth.oidc.redirect_url", Default: "", Description: "Callback registered at the provider: the gateway's public URL + /login/sso/callback."},
	{Name: "auth.oidc.scopes", Default: "openid email profile", Description: "Scopes asked for, separated by spaces; openid is always asked for."},
	{Name: "auth.oidc.user_claim", Default: "email", Description: "Claim that names the member: email is matched to members' e-mail addresses (a false email_verified is refused), any other claim to their user IDs."},

	{Name: "policy.file", Default: "", Description: "Approval policy YAML file (the organisation: people, posts, rules). Required by gateway, worker and migrate, which refuse to start without it unless given --demo; only `signoff dev` falls back to the built-in demo, whose passwords are published."},

	{Name: "worker.max_concurrent_activities", Default: "50", Description: "Activities one worker runs at once."},
	{Name: "worker.max_concurrent_workflow_tasks", Default: "50", Description: "Workflow tasks one worker runs at once."},

	{Name: "actions.signing_keys", Default: "", Secret: true, Description: "Keys that sign every action a gateway sends to a workflow and that workers verify: a list of {id, secret}, each secret at least 32 bytes (`openssl rand -hex 32`), the same on every gateway and worker; in the environment id:secret,id:secret. Required by `signoff gateway` and `signoff worker`; `signoff dev` makes its own. Secrets are masked in logs."},
	{Name: "actions.signing_key_id", Default: "", Description: "ID of the key in actions.signing_keys that signs new actions; the others are still accepted (rotation)."},

	{Name: "notify.smtp.host", Default: "", Description: "SMTP server host; empty = e-mail disabled."},
	{Name: "notify.smtp.port", Default: "25", Description: "SMTP server port."},
	{Name: "notify.smtp.from", Default: "signoff@localhost", Description: "Sender address of notification e-mail."},
	{Name: "notify.smtp.username", Default: "", Description: "SMTP user name; empty = no authentication."},
	{Name: "notify.smtp.password", Default: "", Secret: true, Description: "SMTP password."},
	{Name: "notify.smtp.tls", Default: SMTPStartTLS, Description: "Encryption to the SMTP server: starttls (upgrade whenever the server offers it; ports 25, 587), implicit (TLS from the first byte; port 465) or none (never, even when offered: a relay on the same host)."},
	{Name: "notify.webhook.url", Default: "", Secret: true, Description: "URL that receives notification webhooks; empty = disabled. A robot's credentials (access_token, key) are in its query: its query values and password are masked in logs, errors and stored notifications."},
	{Name: "notify.webhook.secret", Default: "", Secret: true, Description: "Key that signs webhook bodies."},
	{Name: "notify.timeout", Default: "10s", Description: "Time allowed for one e-mail or webhook delivery."},

	{Name: "payment.mode", Default: PaymentManual, Description: "How approved payments are released: manual or connector."},
	{Name: "payment.connector_url", Default: "", Secret: true, Description: "Payment connector URL; required when payment.mode is connector. Its password and query values are masked in logs and errors."},
	{Name: "payment.connector_token", Default: "", Secret: true, Description: "Bearer token sent to the payment connector (Authorization header). The connector mode needs it or payment.connector_signing_secret: an unauthenticated payment call is refused at start."},
	{Name: "payment.connector_signing_secret", Default: "", Secret: true, Description: "Key that signs every payment request: header Signoff-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">."},

	{Name: "log.level", Default: "info", Description: "Lowest level logged: debug, info, warn or error."},
	{Name: "log.format", Default: "text", Description: "Log format: text or json."},
}

// Reference returns every setting in order, for documentation and tooling.
func Reference() []Key {
	return append([]Key(nil), keys...)
}

// ReferenceMarkdown renders Reference as the Markdown document kept in
// config/REFERENCE.md and quoted in the README.
func ReferenceMarkdown() string {
	var b strings.Builder
	b.WriteString("# Configuration reference\n\n")
	b.WriteString("<!-- Generated by `go test ./config -run TestReference -update`; do not edit. -->\n\n")
	b.WriteString("Settings come from, lowest precedence first: the defaults below, an optional YAML file\n")
	b.WriteString("(`--config FILE`, or the `SIGNOFF_CONFIG` environment variable), and environment\n")
	b.WriteString("variables. An environment variable that is set but empty counts as unset. Unknown keys in\n")
	b.WriteString("the file are refused, and every value is checked before Signoff starts.\n\n")
	b.WriteString("| Key | Environment variable | Default | Description |\n")
	b.WriteString("| --- | --- | --- | --- |\n")
	for _, k := range keys {
		def := "(empty)"
		if k.Default != "" {
			def = "`" + k.Default + "`"
		}
		desc := k.Description
		if k.Secret {
			desc += " *Secret.*"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", k.Name, k.Env(), def, strings.ReplaceAll(desc, "|", `\|`))
	}
	return b.String()
}
