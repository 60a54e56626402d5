package activities_test

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"signoff/activities"
	"signoff/config"
	"signoff/notify"
	"signoff/testkit"
)

// The secrets planted in the configuration of TestSecretsStaySecret.
const (
	plantedHookToken   = "hook-token-PLANTED-1" // in the robot URL's query, as DingTalk and WeCom do
	plantedHookSecret  = "hook-sign-PLANTED-2"
	plantedSMTPPass    = "smtp-pass-PLANTED-3"
	plantedBankToken   = "bank-token-PLANTED-4"
	plantedBankSigning = "bank-sign-PLANTED-5"
	plantedBankURLKey  = "bank-key-PLANTED-6" // in the connector URL's query
)

var planted = []string{plantedHookToken, plantedHookSecret, plantedSMTPPass, plantedBankToken, plantedBankSigning, plantedBankURLKey}

// echo answers every request with status and, in its body, everything it was sent: the URL with
// its query and every header. The worst a remote end can do with a secret is repeat it.
type echo struct {
	status int
	mu     sync.Mutex
	seen   []*http.Request
}

func (e *echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.seen = append(e.seen, r)
	e.mu.Unlock()
	w.WriteHeader(e.status)
	fmt.Fprintf(w, "you sent %s with %v", r.URL.String(), r.Header)
}

// authBank is a connector that pays only a request carrying the configured token and a valid
// signature of its body.
type authBank struct {
	token, signing string
	mu             sync.Mutex
	refused, paid  int
}

func (b *authBank) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	sig := r.Header.Get(activities.SignatureHeader)
	var ts int64
	_, _ = fmt.Sscanf(sig, "t=%d,", &ts)
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+b.token || sig != activities.Sign(b.signing, time.Unix(ts, 0), body) ||
		time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		b.refused++
		http.Error(w, "unauthenticated", http.StatusUnauthorized)
		return
	}
	b.paid++
	_ = json.NewEncoder(w).Encode(map[string]any{"reference": "NET-1", "paid_at": "2026-03-02T03:00:00Z"})
}

// TestSecretsStaySecret plants a secret in every credential setting, loads and logs the
// configuration as a worker does, and runs notifications and a payment that fail (the remote ends
// echo what they were sent, or are down) and then succeed. The captured log, every error the
// activities returned (as they would enter workflow history, through Temporal's failure
// converter) and every row of every table must hold none of the secrets; the remote ends that
// should get them did.
func TestSecretsStaySecret(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	serverTLS, trusted := testkit.SelfSignedTLS(t)

	hookFails := &echo{status: http.StatusInternalServerError}
	hookSrv := httptest.NewServer(hookFails)
	t.Cleanup(hookSrv.Close)
	bankFails := &echo{status: http.StatusUnprocessableEntity}
	bankSrv := httptest.NewServer(bankFails)
	t.Cleanup(bankSrv.Close)
	downPort := closedPort(t)

	cfg, err := config.Load("", []string{
		"SIGNOFF_NOTIFY_SMTP_HOST=127.0.0.1",
		fmt.Sprintf("SIGNOFF_NOTIFY_SMTP_PORT=%d", downPort),
		"SIGNOFF_NOTIFY_SMTP_USERNAME=robot",
		"SIGNOFF_NOTIFY_SMTP_PASSWORD=" + plantedSMTPPass,
		"SIGNOFF_NOTIFY_WEBHOOK_URL=" + hookSrv.URL + "/robot/send?access_token=" + plantedHookToken,
		"SIGNOFF_NOTIFY_WEBHOOK_SECRET=" + plantedHookSecret,
		"SIGNOFF_PAYMENT_MODE=connector",
		"SIGNOFF_PAYMENT_CONNECTOR_URL=" + bankSrv.URL + "/pay?api_key=" + plantedBankURLKey,
		"SIGNOFF_PAYMENT_CONNECTOR_TOKEN=" + plantedBankToken,
		"SIGNOFF_PAYMENT_CONNECTOR_SIGNING_SECRET=" + plantedBankSigning,
	})
	if err != nil {
		t.Fatal(err)
	}
	log.Info("config", "config", cfg)

	db := testkit.NewDB(t)
	activitiesOf := func(cfg config.Config) (*activities.Activities, *testsuite.TestActivityEnvironment) {
		return loggedEnv(t, db, log, channelsOf(cfg, trusted), activities.WithPaymentConnector(connectorOf(cfg)))
	}
	// Every failure is logged as the worker logs a failed activity.
	failed := func(what string, err error) error {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		log.Warn("activity error", "activity", what, "error", err)
		return err
	}

	// Round one: the robot answers 500 echoing its URL, the mail server is down, the bank refuses
	// echoing the Authorization and signature headers, then is down.
	acts, env := activitiesOf(cfg)
	st := awaitingPayment(t, db, env, acts)
	var errs []error
	_, err = run[activities.DeliverResult](t, env, acts.Deliver, activities.DeliverInput{CaseID: st.CaseID})
	errs = append(errs, failed("deliver", err))
	_, err = run[activities.PayResult](t, env, acts.Pay, activities.PayInput{CaseID: st.CaseID})
	errs = append(errs, failed("pay refused", err))
	down := cfg
	down.Payment.ConnectorURL = fmt.Sprintf("http://127.0.0.1:%d/pay?api_key=%s", downPort, plantedBankURLKey)
	acts, env = activitiesOf(down)
	_, err = run[activities.PayResult](t, env, acts.Pay, activities.PayInput{CaseID: st.CaseID})
	errs = append(errs, failed("pay down", err))
	if len(hookFails.seen) == 0 || !strings.Contains(hookFails.seen[0].URL.RawQuery, plantedHookToken) {
		t.Fatal("the robot never got its access token: nothing was tested")
	}
	if len(bankFails.seen) == 0 || bankFails.seen[0].Header.Get("Authorization") != "Bearer "+plantedBankToken {
		t.Fatal("the bank never got its token: nothing was tested")
	}
	notes, err := db.Store.Notifications(testCtx(t), st.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	var lastErrors []string
	for _, n := range notes {
		if n.LastError != "" {
			lastErrors = append(lastErrors, n.LastError)
		}
	}
	if len(lastErrors) == 0 {
		t.Fatal("no notification recorded its failure: nothing was tested")
	}
	afterFailures := dumpDatabase(t, db)

	// Round two: everything answers, and takes the credentials.
	hookOK := &robot{}
	hookOKSrv := httptest.NewServer(hookOK)
	t.Cleanup(hookOKSrv.Close)
	mail := testkit.NewMailServer(t, func(s *testkit.MailServer) { s.Auth = true; s.StartTLS = serverTLS })
	bank := &authBank{token: plantedBankToken, signing: plantedBankSigning}
	bankOKSrv := httptest.NewServer(bank)
	t.Cleanup(bankOKSrv.Close)
	ok := cfg
	ok.Notify.SMTP.Port = mail.Port()
	ok.Notify.Webhook.URL = hookOKSrv.URL + "/robot/send?access_token=" + plantedHookToken
	ok.Payment.ConnectorURL = bankOKSrv.URL + "/pay?api_key=" + plantedBankURLKey
	acts, env = activitiesOf(ok)
	res := mustRun[activities.DeliverResult](t, env, acts.Deliver, activities.DeliverInput{CaseID: st.CaseID})
	if res.Sent == 0 || len(hookOK.posts()) == 0 {
		t.Fatalf("retry sent %d, robot got %d", res.Sent, len(hookOK.posts()))
	}
	if m := mail.Message(); m.Auth != "\x00robot\x00"+plantedSMTPPass || !m.TLS {
		t.Errorf("mail server got AUTH %q over TLS %v, want the password, encrypted", m.Auth, m.TLS)
	}
	paid := mustRun[activities.PayResult](t, env, acts.Pay, activities.PayInput{CaseID: st.CaseID})
	if paid.Reference != "NET-1" || bank.paid != 1 || bank.refused != 0 {
		t.Errorf("paid %+v; bank paid %d, refused %d: want one authenticated payment", paid, bank.paid, bank.refused)
	}
	log.Info("delivered", "sent", res.Sent, "paid", paid.Reference)

	// Where a secret must not be.
	places := map[string]string{"log": logs.String(), "database after the failures": afterFailures,
		"database after the successes": dumpDatabase(t, db)}
	for i, err := range errs {
		var chain []string
		for e := err; e != nil; e = errors.Unwrap(e) {
			chain = append(chain, e.Error())
		}
		places[fmt.Sprintf("error %d", i+1)] = strings.Join(chain, "\n")
	}
	for where, text := range places {
		for _, secret := range planted {
			if strings.Contains(text, secret) {
				t.Errorf("%s shows %q:\n%s", where, secret, excerpt(text, secret))
			}
		}
	}
	if !strings.Contains(places["error 1"], "webhook post: status 500") || !strings.Contains(places["error 2"], "422") {
		t.Errorf("the errors no longer say what failed:\n%s\n%s", places["error 1"], places["error 2"])
	}
}

// loggedEnv is actEnv with the SDK's log going to log.
func loggedEnv(t *testing.T, db *testkit.DB, log *slog.Logger, ch activities.Channels, opts ...activities.Option) (*activities.Activities, *testsuite.TestActivityEnvironment) {
	t.Helper()
	acts, err := activities.New(db.Store, db.Policies, ch, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(log))
	env := suite.NewTestActivityEnvironment()
	env.SetTestTimeout(time.Minute)
	env.RegisterActivity(acts)
	return acts, env
}

// channelsOf and connectorOf wire the configuration as cmd/signoff does.
func channelsOf(cfg config.Config, roots *x509.CertPool) activities.Channels {
	return activities.Channels{
		PublicURL: "http://signoff.test",
		Email: notify.SMTP{Host: cfg.Notify.SMTP.Host, Port: cfg.Notify.SMTP.Port, From: cfg.Notify.SMTP.From,
			Username: cfg.Notify.SMTP.Username, Password: cfg.Notify.SMTP.Password, Timeout: 5 * time.Second,
			TLS: cfg.Notify.SMTP.TLS, RootCAs: roots},
		Webhook: notify.Webhook{URL: cfg.Notify.Webhook.URL, Secret: cfg.Notify.Webhook.Secret,
			Client: &http.Client{Timeout: 5 * time.Second}},
	}
}

func connectorOf(cfg config.Config) activities.PaymentConnector {
	return activities.PaymentConnector{URL: cfg.Payment.ConnectorURL, Client: &http.Client{Timeout: 5 * time.Second},
		Token: cfg.Payment.ConnectorToken, SigningSecret: cfg.Payment.ConnectorSigningSecret}
}

func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// dumpDatabase is every row of every table of db, as text.
func dumpDatabase(t *testing.T, db *testkit.DB) string {
	t.Helper()
	ctx := testCtx(t)
	conn, err := pgx.Connect(ctx, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT quote_ident(table_name) FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, table := range tables {
		var text *string
		if err := conn.QueryRow(ctx, `SELECT string_agg(t::text, E'\n') FROM `+table+` t`).Scan(&text); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		if text != nil {
			fmt.Fprintf(&b, "%s:\n%s\n", table, *text)
		}
	}
	if !strings.Contains(b.String(), "notifications") {
		t.Fatal("the dump has no notifications: nothing was tested")
	}
	return b.String()
}

// excerpt is the text around the first occurrence of s.
func excerpt(text, s string) string {
	i := strings.Index(text, s)
	return text[max(0, i-200):min(len(text), i+len(s)+200)]
}
