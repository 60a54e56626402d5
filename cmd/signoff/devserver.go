package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"go.temporal.io/sdk/client"

	"signoff/config"
	"signoff/temporalclient"
	"signoff/workflows"
)

// devServer is the Temporal CLI's dev server that `signoff dev` runs as its own child. The SDK's
// testsuite.StartDevServer cannot say how the child is started, and a child that outlives a
// kill -9 of `signoff dev` holds the port and the data file until a person finds it; so the
// child is started here, in a process group of its own, with a parent-death signal where the
// system has one (devserver_linux.go), and recorded in the data directory (devserver_pid.go) so
// that the next start can recognise and end one a crash left behind.
type devServer struct {
	cmd     *exec.Cmd
	client  client.Client
	pidFile string
	exited  chan struct{} // closed once the child has been waited for
	waitErr error         // the child's exit, read after exited is closed
}

// devServerStopTimeout is how long the server gets to stop on an interrupt before it is killed.
const devServerStopTimeout = 15 * time.Second

// startDevServer runs the Temporal CLI's dev server with the UI and a persistent data file, after
// ending one that an earlier `signoff dev` of the same data directory left running.
func startDevServer(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) (*devServer, error) {
	cli, err := filepath.Abs(cfg.Dev.TemporalCLI)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(cli); err != nil {
		return nil, fmt.Errorf("temporal CLI %s not found (run `make tools`): %w", cli, err)
	}
	dataDir, err := filepath.Abs(cfg.Dev.DataDir)
	if err != nil {
		return nil, err
	}
	dbFile := filepath.Join(dataDir, "temporal.db")
	pidFile := filepath.Join(dataDir, "temporal.pid")
	if err := endLeftoverDevServer(pidFile, dbFile, cfg.Dev.TemporalPort, out); err != nil {
		return nil, err
	}
	hostPort := net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Dev.TemporalPort))
	if conn, err := net.DialTimeout("tcp", hostPort, time.Second); err == nil {
		conn.Close()
		return nil, fmt.Errorf("port %s is in use by a process that is not this data directory's dev server (%s): is another Temporal server or `signoff dev` running?", hostPort, dataDir)
	}
	logFile, err := os.OpenFile(filepath.Join(dataDir, "temporal.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child holds its own descriptor

	cmd := exec.Command(cli, devServerArgs(cfg, dbFile)...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = ownedChildAttr()
	log.Info("starting temporal dev server", "address", hostPort, "ui_port", cfg.Dev.UIPort)
	srv := &devServer{cmd: cmd, pidFile: pidFile, exited: make(chan struct{})}
	if err := srv.start(); err != nil {
		return nil, fmt.Errorf("temporal dev server: %w", err)
	}
	if err := writeDevServerPid(pidFile, cmd.Process.Pid); err != nil {
		srv.Stop()
		return nil, err
	}

	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	// The dev server is local and plain: TLS settings and an API key meant for a cluster do not apply.
	local := cfg.Temporal
	local.TLS, local.APIKey = config.TemporalTLSConfig{}, ""
	opts, err := temporalclient.Options(local, hostPort, log)
	if err != nil {
		srv.Stop()
		return nil, fmt.Errorf("temporal dev server: %w", err)
	}
	c, err := srv.dial(startCtx, opts)
	if err != nil {
		srv.Stop()
		return nil, fmt.Errorf("temporal dev server: %w (log: %s)", err, logFile.Name())
	}
	srv.client = c
	return srv, nil
}

// devServerArgs are the CLI's arguments, those testsuite.StartDevServer used to pass.
func devServerArgs(cfg config.Config, dbFile string) []string {
	args := []string{
		"server", "start-dev",
		"--ip", "127.0.0.1", "--port", strconv.Itoa(cfg.Dev.TemporalPort),
		"--namespace", cfg.Temporal.Namespace,
		"--dynamic-config-value", "frontend.enableServerVersionCheck=false",
		"--log-level", "warn",
		"--db-filename", dbFile,
		"--ui-port", strconv.Itoa(cfg.Dev.UIPort),
		// SQLite's write-ahead log: the one-machine store commits without rewriting its journal
		// on every transaction. Still crash-safe for the process; production runs on PostgreSQL.
		"--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal",
	}
	// Registered at start too, so they exist before the first workflow does.
	for attr := range workflows.SearchAttributeSchema().GetUntypedValues() {
		args = append(args, "--search-attribute", attr.GetName()+"="+attr.GetValueType().String())
	}
	return args
}

// start forks the child from a goroutine locked to its OS thread for the child's whole life: a
// parent-death signal is tied to the thread that forked, and the Go runtime ends a thread whose
// locked goroutine returns, so the thread must outlive the child, not merely the call.
func (s *devServer) start() error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := s.cmd.Start(); err != nil {
			started <- err
			close(s.exited)
			return
		}
		started <- nil
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	return <-started
}

// dial waits for the server to answer, giving up when ctx ends or the child exits.
func (s *devServer) dial(ctx context.Context, opts client.Options) (client.Client, error) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := client.DialContext(ctx, opts)
		if err == nil {
			return c, nil
		}
		select {
		case <-s.exited:
			return nil, fmt.Errorf("exited before answering: %v", s.waitErr)
		case <-ctx.Done():
			return nil, fmt.Errorf("not answering: %w", err)
		case <-tick.C:
		}
	}
}

// Client is a client of the server.
func (s *devServer) Client() client.Client { return s.client }

// Stop interrupts the server's process group, kills it if it has not stopped within
// devServerStopTimeout, and forgets its pid file.
func (s *devServer) Stop() error {
	if s.client != nil {
		s.client.Close()
	}
	// Where the interrupt cannot be sent (Windows), the kill below is the stop.
	if err := signalGroup(s.cmd.Process.Pid, interruptSignal); err == nil || errors.Is(err, os.ErrProcessDone) {
		select {
		case <-s.exited:
			os.Remove(s.pidFile)
			return nil // an interrupted server exits non-zero; that is the stop asked for
		case <-time.After(devServerStopTimeout):
		}
	}
	_ = signalGroup(s.cmd.Process.Pid, killSignal)
	select {
	case <-s.exited:
		os.Remove(s.pidFile)
		return fmt.Errorf("temporal dev server killed after not stopping within %s", devServerStopTimeout)
	case <-time.After(5 * time.Second):
		// The pid file stays, so that the next start can recognise the server and end it.
		return fmt.Errorf("temporal dev server (pid %d) did not die", s.cmd.Process.Pid)
	}
}
