package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"signoff/gateway"
	"signoff/testkit"
)

// TestBrowserSignInThroughSSO: li.na chooses "Sign in with SSO" on the sign-in page, signs in on
// the company's OpenID provider (a real one on loopback: testkit.NewOIDCProvider), lands on her
// inbox with a session, and signs out as anyone does.
func TestBrowserSignInThroughSSO(t *testing.T) {
	var idp *testkit.OIDCProvider
	a := newAppWith(t, func(gatewayURL string, d *gateway.Deps) {
		idp = testkit.NewOIDCProvider(t, gatewayURL+"/login/sso/callback",
			testkit.OIDCUser{Username: "lina", Password: "idp-password", Email: "li.na@example.com"})
		d.Auth.OIDC = idp.Config(gatewayURL + "/login/sso/callback")
	})
	b := &browserApp{app: a, t: t, ctx: testkit.Browser(t, desktopW, desktopH)}

	b.step("open the sign-in page",
		chromedp.Navigate(b.url("/login")),
		chromedp.WaitVisible(chromedp.CSS("#sso")),
	)
	b.shot("sign-in-with-sso")
	var at string
	b.step("choose SSO: the provider's sign-in form",
		chromedp.Click(chromedp.CSS("#sso")),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		testkit.Into(&at, chromedp.Location()),
	)
	if !strings.HasPrefix(at, idp.Issuer+"/login/username") {
		t.Fatalf("SSO went to %s, want the provider's sign-in form", at)
	}
	b.shot("provider-sign-in")
	b.step("sign in at the provider: back on the inbox",
		chromedp.SendKeys(chromedp.CSS("#username"), "lina"),
		chromedp.SendKeys(chromedp.CSS("#password"), "idp-password"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("nav.tabs")),
		chromedp.WaitReady(chromedp.CSS("html[data-ready]")),
		testkit.Into(&at, chromedp.Location()),
	)
	if at != b.url("/inbox") {
		t.Fatalf("after SSO the browser is at %s, want the inbox", at)
	}
	if who := b.text("header .me"); who != "李娜" {
		t.Fatalf("the inbox's top bar does not name li.na: %q", who)
	}
	b.shot("inbox-after-sso")

	b.signOut()
	b.step("signed out: the inbox asks for sign-in again",
		chromedp.Navigate(b.url("/inbox")),
		chromedp.WaitVisible(chromedp.CSS("#sso")),
	)
}
