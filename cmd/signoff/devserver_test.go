package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"signoff/config"
)

// A pid file never gets a process killed that is not this data directory's server: here it
// names the test binary itself, alive, once with its true start time and once with another.
func TestLeftoverCheckNeverEndsAProcessNotOurs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("processIdentity is Linux's")
	}
	self, alive, err := processIdentity(os.Getpid())
	if err != nil || !alive {
		t.Fatalf("own identity: %v %v", alive, err)
	}
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "temporal.pid")
	for _, start := range []string{self.Start, self.Start + "1"} {
		if err := os.WriteFile(pidFile, fmt.Appendf(nil, "%d %s\n", os.Getpid(), start), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := endLeftoverDevServer(pidFile, filepath.Join(dir, "temporal.db"), 0, &out); err != nil {
			t.Fatal(err)
		}
		if out.Len() > 0 {
			t.Errorf("start %s: it took the test binary for a leftover server: %s", start, out.String())
		}
		if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
			t.Errorf("a pid file naming no server of ours is kept: %v", err)
		}
	}
}

// Nor does a listener on the port: here the test binary holds it.
func TestLeftoverCheckLeavesAnotherListenerAlone(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("listenerPid is Linux's")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if pid, ok, err := listenerPid(port); err != nil || !ok || pid != os.Getpid() {
		t.Fatalf("listenerPid(%d) = %d %v %v, want this test binary %d", port, pid, ok, err, os.Getpid())
	}
	dir := t.TempDir()
	var out bytes.Buffer
	if err := endLeftoverDevServer(filepath.Join(dir, "temporal.pid"), filepath.Join(dir, "temporal.db"), port, &out); err != nil {
		t.Fatal(err)
	}
	if out.Len() > 0 {
		t.Errorf("it took the test binary for a leftover server: %s", out.String())
	}
}

func TestServesDatabase(t *testing.T) {
	db := "/data/.signoff/temporal.db"
	args := devServerArgs(config.Config{Dev: config.DevConfig{TemporalPort: 7233, UIPort: 8233}}, db)
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{append([]string{"/bin/temporal"}, args...), true},
		{append([]string{"/bin/temporal"}, devServerArgs(config.Config{}, "/other/temporal.db")...), false},
		{[]string{"/bin/vi", "--db-filename", db}, false},
		{[]string{"/bin/temporal", "server", "start-dev", "--db-filename"}, false},
	} {
		if got := servesDatabase(tc.args, db); got != tc.want {
			t.Errorf("servesDatabase(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestParseDevServerPid(t *testing.T) {
	for raw, ok := range map[string]bool{"123 456\n": true, "123": false, "x 456": false, "1 2": false, "": false, "12 34 56": false} {
		if _, _, got := parseDevServerPid(raw); got != ok {
			t.Errorf("parseDevServerPid(%q) ok = %v, want %v", raw, got, ok)
		}
	}
}

// The banner names the demo users only when demo data is seeded.
func TestDevBannerNamesDemoUsersOnlyWithDemoData(t *testing.T) {
	cfg := config.Config{Gateway: config.GatewayConfig{PublicURL: "http://127.0.0.1:8080"}}
	cfg.Dev.Demo = false
	if b := devBanner(cfg); strings.Contains(b, "zhang.wei") || strings.Contains(b, "password") {
		t.Errorf("demo off, banner:\n%s", b)
	}
	cfg.Dev.Demo = true
	if b := devBanner(cfg); !strings.Contains(b, "zhang.wei") || !strings.Contains(b, "password") {
		t.Errorf("demo on, banner:\n%s", b)
	}
}
