package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"signoff/config"
	"signoff/store"
)

// runDev starts everything on one machine: a Temporal dev server whose data file survives
// restarts, Signoff's database (created if missing, migrated, demo policy loaded), a worker and
// the gateway, and prints where to find them. Ctrl-C stops it all; the next start resumes.
func runDev(ctx context.Context, cfg config.Config, log *slog.Logger, _ []string) error {
	cfg = withDevSigningKey(cfg)
	if err := os.MkdirAll(cfg.Dev.DataDir, 0o755); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if err := ensureDatabase(ctx, cfg.Database.OwnerURL()); err != nil {
		return err
	}
	// A laptop runs on the demo organisation unless a policy file is named.
	if err := migrate(ctx, cfg, cfg.Policy.File == "", log); err != nil {
		return err
	}
	srv, err := startDevServer(ctx, cfg, log, os.Stdout)
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
	if err := ensureLedgerHeadsSchedule(ctx, c, cfg.Temporal); err != nil {
		return err
	}

	s, err := store.Open(ctx, cfg.Database.URL, cfg.Database.MaxConns)
	if err != nil {
		return err
	}
	defer s.Close()
	policies := store.NewPolicies(s)
	w, err := newWorker(cfg, s, policies, c, log)
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

	fmt.Print(devBanner(cfg))
	if cfg.Dev.Demo {
		go func() {
			if err := seedDemo(ctx, s, cfg.Gateway.PublicURL, log); err != nil {
				log.Error("demo data", "error", err)
			}
		}()
	}
	return serve(ctx, httpSrv, cfg.Gateway.ShutdownTimeout)
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

// devBanner says where everything is. The demo users are named only when demo data is seeded:
// with a company's own policy and dev.demo off they do not exist.
func devBanner(cfg config.Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nSignoff is running.\n")
	if cfg.Dev.Demo {
		fmt.Fprintf(&b, "  Web UI       %s/   (sign in as zhang.wei, li.na, sun.min, wang.fang, wu.xia …)\n", cfg.Gateway.PublicURL)
	} else {
		fmt.Fprintf(&b, "  Web UI       %s/\n", cfg.Gateway.PublicURL)
	}
	fmt.Fprintf(&b, "  API          %s/api/v1   (OpenAPI: %s/api/v1/openapi.yaml)\n", cfg.Gateway.PublicURL, cfg.Gateway.PublicURL)
	fmt.Fprintf(&b, "  Temporal UI  http://127.0.0.1:%d\n", cfg.Dev.UIPort)
	fmt.Fprintf(&b, "  Temporal     127.0.0.1:%d (namespace %s, task queue %s)\n", cfg.Dev.TemporalPort, cfg.Temporal.Namespace, cfg.Temporal.TaskQueue)
	fmt.Fprintf(&b, "  Data         %s (Temporal), %s (PostgreSQL)\n", cfg.Dev.DataDir, redactURL(cfg.Database.URL))
	if cfg.Dev.Demo {
		b.WriteString(`Demo users sign in with password "signoff" (see README). `)
	}
	b.WriteString("Ctrl-C stops everything.\n\n")
	return b.String()
}
