package redact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://oapi.dingtalk.com/robot/send?access_token=abc123def456", "https://oapi.dingtalk.com/robot/send?access_token=xxxxx"},
		{"https://pay:pay-pass@pay.internal/v1?api_key=k-123456&mode=live", "https://pay:xxxxx@pay.internal/v1?api_key=xxxxx&mode=xxxxx"},
		{"https://hooks.internal/x", "https://hooks.internal/x"},
		{"https://h/x#token=abcdef", "https://h/x"},
		{"", ""},
		{"::not a url", Mask},
	}
	for _, tt := range tests {
		if got := URL(tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScrubber(t *testing.T) {
	hook := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k3y-PLANTED-1&debug=1"
	s := New([]string{hook, "https://u:pw-PLANTED-2@pay.internal/"}, "tok/PLANTED+3", "")
	in := fmt.Sprintf("Post %q: dial tcp: refused; echo key=k3y-PLANTED-1 auth=Bearer tok/PLANTED+3 (%s) pw-PLANTED-2 debug=1",
		hook, url.QueryEscape("tok/PLANTED+3"))
	out := s.Text(in)
	if strings.Contains(out, "PLANTED") {
		t.Errorf("Text left a secret: %s", out)
	}
	if !strings.Contains(out, "qyapi.weixin.qq.com/cgi-bin/webhook/send?") || !strings.Contains(out, "debug=1") {
		t.Errorf("Text garbled what is not secret: %s", out)
	}

	err := s.Error(fmt.Errorf("webhook post: %w", context.DeadlineExceeded))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("scrubbed error lost what it is: %v", err)
	}
	if errors.Unwrap(err) != nil {
		t.Error("scrubbed error unwraps to its raw cause")
	}
	if s.Error(nil) != nil {
		t.Error("nil error scrubbed into an error")
	}
}
