package testkit

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"

	"signoff/actionsig"
	"signoff/activities"
	"signoff/config"
	"signoff/service"
	"signoff/worker"
	"signoff/workflows"
)

var (
	serverOnce sync.Once
	server     *testsuite.DevServer
	serverErr  error
	cleanups   []func()
)

// Main runs a package's tests and then stops the dev server and drops the template database.
// Call it from TestMain.
func Main(m interface{ Run() int }) int {
	code := m.Run()
	if server != nil {
		_ = server.Stop()
	}
	for _, f := range cleanups {
		f()
	}
	return code
}

// CLIPath finds the Temporal CLI: $SIGNOFF_TEMPORAL_CLI, else bin/temporal at the module root.
func CLIPath() (string, error) {
	if p := os.Getenv("SIGNOFF_TEMPORAL_CLI"); p != "" {
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, "bin", "temporal")
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("temporal CLI not found at %s: run `make tools`", p)
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("module root not found")
		}
		dir = parent
	}
}

// Temporal returns a client of the test binary's dev server, starting it on first use with
// Signoff's search attributes registered.
func Temporal(t testing.TB) client.Client {
	t.Helper()
	serverOnce.Do(func() {
		path, err := CLIPath()
		if err != nil {
			serverErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		quiet := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
		server, serverErr = testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
			ClientOptions:    &client.Options{Logger: quiet},
			ExistingPath:     path,
			SearchAttributes: workflows.SearchAttributeSchema(),
			LogLevel:         "error",
			Stdout:           io.Discard,
			Stderr:           io.Discard,
		})
	})
	if serverErr != nil {
		t.Fatalf("temporal dev server: %v", serverErr)
	}
	return server.Client()
}

// TemporalAddress is the host:port of the dev server's frontend (plain gRPC), starting it on
// first use as Temporal does: for a test that dials it with client options of its own.
func TemporalAddress(t testing.TB) string {
	t.Helper()
	Temporal(t)
	return server.FrontendHostPort()
}

// Stack is the whole back end for one test: a fresh database, the dev server and a worker on a
// task queue of the test's own. Its activities archive closed cases through Service, as the
// worker of cmd/signoff does.
type Stack struct {
	*DB
	Client     client.Client
	TaskQueue  string
	Activities *activities.Activities
	Service    *service.Service
	// Worker is the running worker; a test that restarts it stops this one and starts another
	// with StartWorker.
	Worker sdkworker.Worker
	// SigningKeys sign the service's actions and verify them in the workers (SigningKeys()).
	SigningKeys *actionsig.Keyring
	ch          activities.Channels
}

// NewStack starts a worker for the test, stopped when it ends.
func NewStack(t testing.TB, ch activities.Channels) *Stack {
	t.Helper()
	db := NewDB(t)
	c := Temporal(t)
	tq := fmt.Sprintf("signoff-test-%d", db.Number)
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	keys := SigningKeys()
	svc, err := service.New(service.Deps{Store: db.Store, Policies: db.Policies, Temporal: c,
		TemporalConfig: config.TemporalConfig{TaskQueue: tq}, Logger: quiet, PublicURL: ch.PublicURL, SigningKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	s := &Stack{DB: db, Client: c, TaskQueue: tq, Service: svc, SigningKeys: keys, ch: ch}
	s.Activities, s.Worker = s.startWorker(t, keys)
	return s
}

// StartWorker starts another worker on the stack's task queue, stopped when the test ends, with
// the stack's activities configured by opts on top (WithArchiver replaces the archiver).
func (s *Stack) StartWorker(t testing.TB, opts ...activities.Option) sdkworker.Worker {
	t.Helper()
	_, w := s.startWorker(t, s.SigningKeys, opts...)
	return w
}

// StartWorkerVerifying is StartWorker whose worker verifies actions with keys instead of the
// stack's (a key rotation).
func (s *Stack) StartWorkerVerifying(t testing.TB, keys *actionsig.Keyring) sdkworker.Worker {
	t.Helper()
	_, w := s.startWorker(t, keys)
	return w
}

func (s *Stack) startWorker(t testing.TB, keys *actionsig.Keyring, opts ...activities.Option) (*activities.Activities, sdkworker.Worker) {
	t.Helper()
	base := []activities.Option{activities.WithCaseStarter(s.Client, workflows.StartCase(s.TaskQueue, false)),
		activities.WithArchiver(s.Service.ArchiveCase)}
	acts, err := activities.New(s.Store, s.Policies, s.ch, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	w, err := worker.New(s.Client, s.TaskQueue, acts, worker.Options{MaxConcurrentActivities: 50, MaxConcurrentWorkflowTasks: 50,
		SigningKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(w.Stop)
	return acts, w
}
