package config

import (
	"fmt"
	"slices"
	"strings"
)

// OIDCConfig is single sign-on through an OpenID provider (authorization code flow with PKCE).
// An empty Issuer turns it off; the sign-in page then offers only the password form.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL; its /.well-known/openid-configuration is read on the
	// first SSO sign-in, and every ID token must name it.
	Issuer       string `mapstructure:"issuer"`
	ClientID     string `mapstructure:"client_id"`
	ClientSecret string `mapstructure:"client_secret"`
	// RedirectURL is the callback registered at the provider: the gateway's public URL followed
	// by /login/sso/callback.
	RedirectURL string `mapstructure:"redirect_url"`
	// Scopes are separated by spaces, as in OAuth's scope parameter.
	Scopes string `mapstructure:"scopes"`
	// UserClaim names the claim that says who signed in: "email" is matched to the members'
	// e-mail addresses, any other claim (preferred_username, sub, an employee number) to their
	// user IDs.
	UserClaim string `mapstructure:"user_claim"`
}

// OIDCEmailClaim is the default user claim, matched to members' e-mail addresses.
const OIDCEmailClaim = "email"

// Enabled reports whether single sign-on is configured.
func (c OIDCConfig) Enabled() bool { return c.Issuer != "" }

// ScopeList is the scopes to ask for, openid first and always.
func (c OIDCConfig) ScopeList() []string {
	out := []string{"openid"}
	for _, s := range strings.Fields(c.Scopes) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// validate names the missing or malformed settings of an enabled single sign-on.
func (c OIDCConfig) validate(check func(key string, err error)) {
	if !c.Enabled() {
		return
	}
	check("auth.oidc.issuer", checkHTTPURL(c.Issuer))
	check("auth.oidc.client_id", checkNotEmpty(c.ClientID))
	if c.ClientSecret == "" {
		check("auth.oidc.client_secret", fmt.Errorf("required when auth.oidc.issuer is set"))
	}
	check("auth.oidc.redirect_url", checkHTTPURL(c.RedirectURL))
	check("auth.oidc.user_claim", checkNotEmpty(c.UserClaim))
}
