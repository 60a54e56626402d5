package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"signoff/redact"
)

// Webhook posts text messages to a group-chat robot. The body is the DingTalk / WeCom text
// format; with a secret the URL is signed the DingTalk way (timestamp + HMAC-SHA256).
type Webhook struct {
	URL    string
	Secret string
	Client *http.Client // nil: a client with a 10s timeout
}

// Enabled reports whether a robot is configured.
func (w Webhook) Enabled() bool { return w.URL != "" }

// Send posts one message. Its error never shows the URL's credentials (a robot's access_token
// is in its query), the signature or the secret, even where the robot echoes them back.
func (w Webhook) Send(ctx context.Context, key, text string) error {
	target, err := w.signedURL(time.Now())
	if err != nil {
		return redact.New([]string{w.URL}, w.Secret).Error(err)
	}
	return redact.New([]string{target, w.URL}, w.Secret).Error(w.post(ctx, target, key, text))
}

func (w Webhook) post(ctx context.Context, target, key, text string) error {
	body, err := json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": text}})
	if err != nil {
		return fmt.Errorf("webhook encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook post: %w", err)
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook post: status %d: %s", resp.StatusCode, reply)
	}
	// Robots answer 200 with an error code in the body when they refuse a message.
	var ack struct {
		ErrCode int    `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if json.Unmarshal(reply, &ack) == nil && ack.ErrCode != 0 {
		return fmt.Errorf("webhook refused: %d %s", ack.ErrCode, ack.ErrMsg)
	}
	return nil
}

func (w Webhook) signedURL(now time.Time) (string, error) {
	if w.Secret == "" {
		return w.URL, nil
	}
	u, err := url.Parse(w.URL)
	if err != nil {
		return "", fmt.Errorf("webhook url: %w", err)
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(w.Secret))
	mac.Write([]byte(ts + "\n" + w.Secret))
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	u.RawQuery = q.Encode()
	return u.String(), nil
}
