package testkit

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"

	"signoff/config"
)

// The other end of single sign-on in tests: a real OpenID provider on 127.0.0.1, the one that
// zitadel's maintained OIDC library ships as its example (package op behind it: discovery,
// the authorization code flow with PKCE, signed ID tokens, userinfo, a code used only once).
// Its sign-in page is a form at /login/username with the fields username and password and
// one submit button.

// OIDC client registered at the test provider.
const (
	OIDCClientID     = "signoff"
	OIDCClientSecret = "signoff-sso-secret"
)

// OIDCUser is a person the test provider knows.
type OIDCUser struct {
	Username string // typed into the provider's sign-in form
	Password string
	Email    string // the email claim, verified
}

// OIDCProvider is a running test provider.
type OIDCProvider struct {
	Issuer string
}

// Config is the gateway's auth.oidc for this provider, calling back at redirectURL and
// matching people by their e-mail.
func (p *OIDCProvider) Config(redirectURL string) config.OIDCConfig {
	return config.OIDCConfig{Issuer: p.Issuer, ClientID: OIDCClientID, ClientSecret: OIDCClientSecret,
		RedirectURL: redirectURL, Scopes: "openid email profile", UserClaim: config.OIDCEmailClaim}
}

// NewOIDCProvider starts a provider that knows these people and one web client, OIDCClientID,
// allowed to call back at redirectURL. It stops when the test ends.
func NewOIDCProvider(t testing.TB, redirectURL string, users ...OIDCUser) *OIDCProvider {
	t.Helper()
	type user struct {
		ID, Username, Password, FirstName, LastName, Email string
		EmailVerified                                      bool
		PreferredLanguage                                  string
	}
	byID := map[string]user{}
	for i, u := range users {
		id := fmt.Sprintf("idp-%d", i+1)
		byID[id] = user{ID: id, Username: u.Username, Password: u.Password, FirstName: u.Username, LastName: "Test",
			Email: u.Email, EmailVerified: true, PreferredLanguage: "en"}
	}
	raw, err := json.Marshal(byID)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "oidc-users.json")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	people, err := storage.StoreFromFile(path)
	if err != nil {
		t.Fatalf("oidc provider users: %v", err)
	}
	store := storage.NewStorageWithClients(people, map[string]*storage.Client{
		OIDCClientID: storage.WebClient(OIDCClientID, OIDCClientSecret, redirectURL),
	})
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	// A nil logger keeps the process's logger: the example would replace it otherwise.
	srv.Config.Handler = exampleop.SetupServer(issuer, store, nil, false)
	srv.Start()
	t.Cleanup(srv.Close)
	return &OIDCProvider{Issuer: issuer}
}
