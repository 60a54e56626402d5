package gateway

import (
	"mime"
	"net/http"
	"testing"

	"signoff/gateway/door"
)

// checkFileHeaders fails the test unless a file answer carries the sandbox policy, nosniff and
// the disposition wanted with a file name.
func checkFileHeaders(t *testing.T, what string, h http.Header, disposition string) {
	t.Helper()
	if got := h.Get("Content-Security-Policy"); got != door.FileCSP {
		t.Errorf("%s: Content-Security-Policy %q, want %q", what, got, door.FileCSP)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q, want nosniff", what, got)
	}
	if disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition")); err != nil || disp != disposition || params["filename"] == "" {
		t.Errorf("%s: Content-Disposition %q, want %s with a file name", what, h.Get("Content-Disposition"), disposition)
	}
}
