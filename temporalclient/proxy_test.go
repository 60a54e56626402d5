package temporalclient_test

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
)

// tlsProxy terminates TLS (client certificates required by cfg) and forwards the bytes to the
// dev server's plain frontend at backend: test plumbing standing in for a cluster with mTLS.
// It returns the address to dial and the handshakes it refused; it stops when the test ends.
func tlsProxy(t *testing.T, cfg *tls.Config, backend string) (string, <-chan error) {
	t.Helper()
	refused := make(chan error, 16)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				forward(conn.(*tls.Conn), backend, refused)
			}()
		}
	}()
	return ln.Addr().String(), refused
}

// forward completes the handshake (a client without a certificate fails here, and the error is
// sent to refused) and copies both ways until either side closes.
func forward(conn *tls.Conn, backend string, refused chan<- error) {
	defer conn.Close()
	if err := conn.Handshake(); err != nil {
		select {
		case refused <- err:
		default:
		}
		return
	}
	up, err := net.Dial("tcp", backend)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, conn); done <- struct{}{} }()
	go func() { _, _ = io.Copy(conn, up); done <- struct{}{} }()
	<-done
}
