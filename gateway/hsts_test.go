package gateway

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"signoff/activities"
	"signoff/config"
	"signoff/testkit"
)

// TestStrictTransportWhenPublicURLIsHTTPS: a gateway whose users reach it over https (TLS ended by
// a proxy) sends HSTS on pages, the API and the probes; one on plain HTTP never does, so a laptop
// is not pinned to TLS.
func TestStrictTransportWhenPublicURLIsHTTPS(t *testing.T) {
	stack := testkit.NewStack(t, activities.Channels{PublicURL: "http://test"})
	serve := func(gw config.GatewayConfig) *httptest.Server {
		gw.MaxBodyBytes, gw.MaxUploadBytes, gw.ActionTimeout = testMaxBody, 1<<20, 30*time.Second
		h, err := New(Deps{
			Store: stack.Store, Policies: stack.Policies, Temporal: stack.Client, SigningKeys: stack.SigningKeys,
			TemporalConfig: config.TemporalConfig{Namespace: "default", TaskQueue: stack.TaskQueue, UIURL: "http://temporal-ui.test"},
			Gateway:        gw,
			Auth:           config.AuthConfig{TokenTTL: time.Hour},
			Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv
	}
	tlsGateway := serve(config.GatewayConfig{PublicURL: "https://signoff.example.com", SecureCookies: true})
	plainGateway := serve(config.GatewayConfig{PublicURL: "http://127.0.0.1:8080"})

	for _, path := range []string{"/livez", "/login", "/api/v1/me", "/no-such-page"} {
		if got := hstsOf(t, tlsGateway.URL+path); got != hstsValue {
			t.Errorf("https gateway, GET %s: Strict-Transport-Security = %q, want %q", path, got, hstsValue)
		}
		if got := hstsOf(t, plainGateway.URL+path); got != "" {
			t.Errorf("plain gateway, GET %s: Strict-Transport-Security = %q, want none", path, got)
		}
	}
}

func hstsOf(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("Strict-Transport-Security")
}
