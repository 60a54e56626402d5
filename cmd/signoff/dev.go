package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/sdk/testsuite"

	"signoff/config"
	"signoff/store"
	"signoff/workflows"
)

// runDev starts everything on one machine: a Temporal dev server whose data file survives
// restarts, Signoff's database (created if missing, migrated, demo policy loaded), a worker and
// the gateway, and prints where to find them. Ctrl-C stops it all; the next start resumes.
func runDev(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string) error {
	if err := os.MkdirAll(cfg.Dev.DataDir, 0o755); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if err := ensureDatabase(ctx, cfg.Database.URL); err != nil {
		return err
	}
	if err := migrate(ctx, cfg, log); err != nil {
		return err
	}
	srv, err := startDevServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		log.Info("stopping temporal dev server")
		if err := srv.Stop(); err != nil {
			log.Warn("temporal dev server stop", "error", err)
		}
	}()
	c := srv.Client()
	if err := registerSearchAttributes(ctx, c, cfg.Temporal.Namespace); err != nil {
		return err
	}
	if err := ensureReconcileSchedule(ctx, c, cfg.Temporal); err != nil {
		return err
	}

	s, err := store.Open(ctx, cfg.Database.URL, cfg.Database.MaxConns)
	if err != nil {
		return err
	}
	defer s.Close()
	policies := store.NewPolicies(s)
	w, err := newWorker(cfg, s, policies, c)
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	defer w.Stop()
	httpSrv, err := newHTTPServer(cfg, s, policies, c, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Gateway.Addr)
	if err != nil {
		return fmt.Errorf("gateway listen %s: %w", cfg.Gateway.Addr, err)
	}
	ln.Close()

	fmt.Printf(`
Signoff is running.
  Web UI       %s/   (sign in as zhang.wei, li.na, sun.min, wang.fang, wu.xia …)
  API          %s/api/v1   (OpenAPI: %s/api/v1/openapi.yaml)
  Temporal UI  %s
  Temporal     %s (namespace %s, task queue %s)
  Data         %s (Temporal), %s (PostgreSQL)
Demo users sign in with password "signoff" (see README). Ctrl-C stops everything.

`, cfg.Gateway.PublicURL, cfg.Gateway.PublicURL, cfg.Gateway.PublicURL,
		fmt.Sprintf("http://127.0.0.1:%d", cfg.Dev.UIPort), cfg.Temporal.Address, cfg.Temporal.Namespace,
		cfg.Temporal.TaskQueue, cfg.Dev.DataDir, redactURL(cfg.Database.URL))
	if cfg.Dev.Demo {
		go func() {
			if err := seedDemo(ctx, s, cfg.Gateway.PublicURL, log); err != nil {
				log.Error("demo data", "error", err)
			}
		}()
	}
	return serve(ctx, httpSrv, cfg.Gateway.ShutdownTimeout)
}

// startDevServer runs the Temporal CLI's dev server with the UI and a persistent data file.
func startDevServer(ctx context.Context, cfg config.Config, log *slog.Logger) (*testsuite.DevServer, error) {
	cli, err := filepath.Abs(cfg.Dev.TemporalCLI)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(cli); err != nil {
		return nil, fmt.Errorf("temporal CLI %s not found (run `make tools`): %w", cli, err)
	}
	hostPort := net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.Dev.TemporalPort))
	if conn, err := net.DialTimeout("tcp", hostPort, time.Second); err == nil {
		conn.Close()
		return nil, fmt.Errorf("port %s is in use: is another Temporal server or `signoff dev` running?", hostPort)
	}
	logFile, err := os.OpenFile(filepath.Join(cfg.Dev.DataDir, "temporal.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	log.Info("starting temporal dev server", "address", hostPort, "ui_port", cfg.Dev.UIPort)
	opts := temporalOptions(cfg.Temporal, hostPort, log)
	srv, err := testsuite.StartDevServer(startCtx, testsuite.DevServerOptions{
		ExistingPath:  cli,
		ClientOptions: &opts,
		DBFilename:    filepath.Join(cfg.Dev.DataDir, "temporal.db"),
		EnableUI:      true,
		UIPort:        strconv.Itoa(cfg.Dev.UIPort),
		LogLevel:      "warn",
		Stdout:        logFile,
		Stderr:        logFile,
		// Registered at start too, so they exist before the first workflow does.
		SearchAttributes: workflows.SearchAttributeSchema(),
		// SQLite's write-ahead log: the one-machine store commits without rewriting its journal
		// on every transaction. Still crash-safe for the process; production runs on PostgreSQL.
		ExtraArgs: []string{"--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal"},
	})
	if err != nil {
		return nil, fmt.Errorf("temporal dev server: %w (log: %s)", err, logFile.Name())
	}
	return srv, nil
}

// ensureDatabase creates the configured database if the server does not have it yet.
func ensureDatabase(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err == nil {
		return conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return fmt.Errorf("connect %s: %w", redactURL(dbURL), err)
	}
	u, perr := url.Parse(dbURL)
	if perr != nil {
		return perr
	}
	name := u.Path[1:]
	u.Path = "/postgres"
	admin, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return fmt.Errorf("connect %s: %w", redactURL(u.String()), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable url)"
	}
	return u.Redacted()
}
