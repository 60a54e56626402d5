package config

import (
	"log/slog"
	"net/url"
	"reflect"
	"time"

	"signoff/redact"
)

// maskText stands in for a secret. It is what url.URL.Redacted writes, so a masked
// database URL and a masked password look alike.
const maskText = "xxxxx"

// Masked returns a copy of c whose secrets are replaced by "xxxxx": the password
// inside the database URLs, the SMTP password, the webhook secret, the payment
// connector's token and signing key, the OIDC client secret, the Temporal API key, and the password and
// query values of the webhook and connector URLs (redact.URL: a robot's access_token
// is in its query). Empty secrets stay empty, so the log still tells set from unset.
func (c Config) Masked() Config {
	c.Database.URL = maskURL(c.Database.URL)
	c.Database.MigrateURL = maskURL(c.Database.MigrateURL)
	c.Notify.SMTP.Password = mask(c.Notify.SMTP.Password)
	c.Notify.Webhook.Secret = mask(c.Notify.Webhook.Secret)
	c.Notify.Webhook.URL = redact.URL(c.Notify.Webhook.URL)
	c.Payment.ConnectorURL = redact.URL(c.Payment.ConnectorURL)
	c.Payment.ConnectorToken = mask(c.Payment.ConnectorToken)
	c.Payment.ConnectorSigningSecret = mask(c.Payment.ConnectorSigningSecret)
	c.Auth.OIDC.ClientSecret = mask(c.Auth.OIDC.ClientSecret)
	c.Temporal.APIKey = mask(c.Temporal.APIKey)
	c.Actions = c.Actions.masked()
	return c
}

// LogValue makes slog log the masked form, grouped by section, whatever the
// handler: logger.Info("starting", "config", cfg).
func (c Config) LogValue() slog.Value {
	return groupValue(reflect.ValueOf(c.Masked()))
}

func groupValue(v reflect.Value) slog.Value {
	t := v.Type()
	attrs := make([]slog.Attr, 0, t.NumField())
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("mapstructure")
		field := v.Field(i)
		if field.Kind() == reflect.Struct {
			attrs = append(attrs, slog.Attr{Key: name, Value: groupValue(field)})
			continue
		}
		// JSON handlers write a bare Duration as nanoseconds; people read "15s".
		if d, ok := field.Interface().(time.Duration); ok {
			attrs = append(attrs, slog.String(name, d.String()))
			continue
		}
		attrs = append(attrs, slog.Any(name, field.Interface()))
	}
	return slog.GroupValue(attrs...)
}

func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return maskText
}

// maskURL hides a URL's password, whether in its user info or, as PostgreSQL
// allows, in a password query parameter. A value that does not parse is hidden
// whole, since there is no telling where a password in it would be.
func maskURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return maskText
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", maskText)
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
