package notify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"signoff/notify"
)

// robotRequest is one request as the test robot got it.
type robotRequest struct {
	method      string
	query       url.Values
	contentType string
	key         string
	body        []byte
}

// newRobot starts a group-chat robot that answers with status and reply and records requests.
func newRobot(t *testing.T, status int, reply string) (*httptest.Server, func() []robotRequest) {
	t.Helper()
	var mu sync.Mutex
	var got []robotRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, robotRequest{r.Method, r.URL.Query(), r.Header.Get("Content-Type"), r.Header.Get("Idempotency-Key"), body})
		mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []robotRequest {
		mu.Lock()
		defer mu.Unlock()
		return append([]robotRequest(nil), got...)
	}
}

func robotClient() *http.Client { return &http.Client{Timeout: 5 * time.Second} }

// TestWebhookSend posts the DingTalk / WeCom text format with the idempotency key.
func TestWebhookSend(t *testing.T) {
	tests := []struct {
		name   string
		status int
		reply  string
	}{
		{"robot acknowledges", http.StatusOK, `{"errcode":0,"errmsg":"ok"}`},
		{"plain OK", http.StatusOK, `ok`},
		{"no content", http.StatusNoContent, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, requests := newRobot(t, tt.status, tt.reply)
			w := notify.Webhook{URL: srv.URL + "/robot/send?access_token=abc", Client: robotClient()}
			text := "【Signoff】待办：EXP-2026-000001 出差\n李娜，您好：\n\n查看：https://x/cases/EXP-2026-000001\n\"quoted\" <tag> & 100%"
			if err := w.Send(boundedCtx(t, 10*time.Second), "EXP-2026-000001/2/todo/li.na/webhook", text); err != nil {
				t.Fatalf("send: %v", err)
			}
			reqs := requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.method != http.MethodPost || r.contentType != "application/json" || r.key != "EXP-2026-000001/2/todo/li.na/webhook" {
				t.Errorf("method %s content type %q key %q", r.method, r.contentType, r.key)
			}
			if r.query.Get("access_token") != "abc" || r.query.Has("sign") || r.query.Has("timestamp") {
				t.Errorf("query = %v, want the access token only (no secret, no signature)", r.query)
			}
			var body struct {
				MsgType string `json:"msgtype"`
				Text    struct {
					Content string `json:"content"`
				} `json:"text"`
			}
			dec := json.NewDecoder(strings.NewReader(string(r.body)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&body); err != nil {
				t.Fatalf("body %s: %v", r.body, err)
			}
			if body.MsgType != "text" || body.Text.Content != text {
				t.Errorf("body = %+v, want text %q", body, text)
			}
		})
	}
}

// TestWebhookSigned: with a secret the URL carries timestamp and sign, the DingTalk way:
// base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).
func TestWebhookSigned(t *testing.T) {
	const secret = "SEC0123456789abcdef+/="
	srv, requests := newRobot(t, http.StatusOK, `{"errcode":0}`)
	w := notify.Webhook{URL: srv.URL + "/robot/send?access_token=abc", Secret: secret, Client: robotClient()}
	before := time.Now().UnixMilli()
	if err := w.Send(boundedCtx(t, 10*time.Second), "k", "hi"); err != nil {
		t.Fatalf("send: %v", err)
	}
	after := time.Now().UnixMilli()
	reqs := requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	q := reqs[0].query
	ts, sign := q.Get("timestamp"), q.Get("sign")
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || ms < before || ms > after {
		t.Errorf("timestamp %q, want milliseconds between %d and %d", ts, before, after)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if sign != want {
		t.Errorf("sign = %q, want %q", sign, want)
	}
	if q.Get("access_token") != "abc" {
		t.Errorf("access_token lost: %v", q)
	}
	// A signature made with another secret must not match: the check above is not vacuous.
	other := hmac.New(sha256.New, []byte("other"))
	other.Write([]byte(ts + "\nother"))
	if base64.StdEncoding.EncodeToString(other.Sum(nil)) == sign {
		t.Errorf("signature does not depend on the secret")
	}
}

// TestWebhookFailures: refusals by status or by the robot's error code are errors.
func TestWebhookFailures(t *testing.T) {
	tests := []struct {
		name   string
		status int
		reply  string
		wantIn string
	}{
		{"server error", http.StatusInternalServerError, "boom", "status 500"},
		{"bad gateway", http.StatusBadGateway, "", "status 502"},
		{"not found", http.StatusNotFound, "no such robot", "status 404"},
		{"sign not match", http.StatusOK, `{"errcode":310000,"errmsg":"sign not match"}`, "310000 sign not match"},
		{"rate limited", http.StatusOK, `{"errcode":130101,"errmsg":"send too fast"}`, "130101"},
		{"token missing", http.StatusOK, `{"errcode":300001,"errmsg":"token is not exist"}`, "token is not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, requests := newRobot(t, tt.status, tt.reply)
			w := notify.Webhook{URL: srv.URL, Secret: "s", Client: robotClient()}
			err := w.Send(boundedCtx(t, 10*time.Second), "k", "hi")
			if err == nil {
				t.Fatal("send: no error")
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not contain %q", err, tt.wantIn)
			}
			if n := len(requests()); n != 1 {
				t.Errorf("%d requests, want 1 (no retries here)", n)
			}
		})
	}
}

// TestWebhookTimeout: a robot that does not answer is given up on at the context deadline.
func TestWebhookTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	w := notify.Webhook{URL: srv.URL, Client: &http.Client{}}
	start := time.Now()
	err := w.Send(boundedCtx(t, 300*time.Millisecond), "k", "hi")
	if err == nil {
		t.Fatal("send: no error")
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("gave up after %v, want about 300ms", elapsed)
	}
}

// TestWebhookBadURL: a URL that cannot be parsed or reached is an error, not a panic.
func TestWebhookBadURL(t *testing.T) {
	for _, w := range []notify.Webhook{
		{URL: "://no-scheme", Secret: "s", Client: robotClient()},
		{URL: "://no-scheme", Client: robotClient()},
		{URL: "http://127.0.0.1:1/robot", Client: robotClient()},
	} {
		if err := w.Send(boundedCtx(t, 10*time.Second), "k", "hi"); err == nil {
			t.Errorf("%+v: no error", w)
		}
	}
}

// TestWebhookWithoutClient: a Webhook without an explicit Client must still send (or fail
// cleanly), not panic.
func TestWebhookWithoutClient(t *testing.T) {
	srv, requests := newRobot(t, http.StatusOK, `{"errcode":0}`)
	w := notify.Webhook{URL: srv.URL}
	if err := w.Send(boundedCtx(t, 10*time.Second), "k", "hi"); err != nil {
		t.Fatalf("send: %v", err)
	}
	if len(requests()) != 1 {
		t.Errorf("robot not called")
	}
}

func TestWebhookEnabled(t *testing.T) {
	if (notify.Webhook{}).Enabled() || !(notify.Webhook{URL: "http://x"}).Enabled() {
		t.Error("Enabled should follow URL")
	}
}
