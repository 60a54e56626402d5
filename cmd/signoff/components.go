package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"

	"signoff/activities"
	"signoff/config"
	"signoff/gateway"
	"signoff/notify"
	"signoff/service"
	"signoff/store"
	"signoff/temporalclient"
	"signoff/worker"
	"signoff/workflows"
)

// migrate applies migrations and loads the policy (policy.file, or the demo when demo is set) as
// a new version if it changed, both as the schema's owner (database.migrate_url, or database.url
// when that is not set). The policy is read first, so a missing one changes nothing.
func migrate(ctx context.Context, cfg config.Config, demo bool, log *slog.Logger) error {
	doc, src, err := loadPolicy(cfg.Policy, demo)
	if err != nil {
		return err
	}
	owner := cfg.Database.OwnerURL()
	if err := store.Migrate(ctx, owner); err != nil {
		return err
	}
	s, err := store.Open(ctx, owner, 2)
	if err != nil {
		return err
	}
	defer s.Close()
	version, created, err := s.LoadPolicy(ctx, doc, src)
	if err != nil {
		return err
	}
	log.Info("policy", "version", version, "new", created, "name", doc.Name)
	return nil
}

// ensureReconcileSchedule creates (or brings up to date) the Temporal Schedule that runs the
// reconciler every minute; a submission older than two minutes still waiting for its workflow
// is taken for abandoned by its gateway.
func ensureReconcileSchedule(ctx context.Context, c client.Client, cfg config.TemporalConfig) error {
	return ensureSchedule(ctx, c, client.ScheduleOptions{
		ID:   workflows.ReconcileSchedule,
		Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: time.Minute}}},
		Action: &client.ScheduleWorkflowAction{
			ID:        workflows.ReconcileSchedule,
			Workflow:  workflows.ReconcileWorkflow,
			Args:      []any{activities.ReconcileInput{OlderThan: 2 * time.Minute}},
			TaskQueue: cfg.TaskQueue,
		},
		Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP,
	})
}

// ensureLedgerHeadsSchedule creates (or brings up to date) the Temporal Schedule that writes
// the ledger's daily heads at 01:30 UTC, once the day before is over by store.HeadGrace.
func ensureLedgerHeadsSchedule(ctx context.Context, c client.Client, cfg config.TemporalConfig) error {
	return ensureSchedule(ctx, c, client.ScheduleOptions{
		ID: workflows.LedgerHeadsSchedule,
		Spec: client.ScheduleSpec{TimeZoneName: "UTC", Calendars: []client.ScheduleCalendarSpec{{
			Hour: []client.ScheduleRange{{Start: 1}}, Minute: []client.ScheduleRange{{Start: 30}}}}},
		Action: &client.ScheduleWorkflowAction{
			ID:        workflows.LedgerHeadsSchedule,
			Workflow:  workflows.LedgerHeadsWorkflow,
			TaskQueue: cfg.TaskQueue,
		},
		Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP,
		// A run missed while the cluster was down is made up when it is back.
		CatchupWindow: 24 * time.Hour,
	})
}

// ensureSchedule creates a Schedule, or makes an existing one's spec and action follow opts
// (the task queue comes from the configuration).
func ensureSchedule(ctx context.Context, c client.Client, opts client.ScheduleOptions) error {
	_, err := c.ScheduleClient().Create(ctx, opts)
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		if err != nil {
			return fmt.Errorf("schedule %s: %w", opts.ID, err)
		}
		return nil
	}
	h := c.ScheduleClient().GetHandle(ctx, opts.ID)
	err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		in.Description.Schedule.Action = opts.Action
		spec := opts.Spec
		in.Description.Schedule.Spec = &spec
		return &client.ScheduleUpdate{Schedule: &in.Description.Schedule}, nil
	}})
	if err != nil {
		return fmt.Errorf("schedule %s: %w", opts.ID, err)
	}
	return nil
}

// registerSearchAttributes makes sure the namespace knows Signoff's search attributes.
func registerSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := workflows.SearchAttributeTypes()
	for name := range have.GetCustomAttributes() {
		delete(missing, name)
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("add search attributes: %w", err)
	}
	return nil
}

func dialTemporal(ctx context.Context, cfg config.TemporalConfig, log *slog.Logger) (client.Client, error) {
	opts, err := temporalclient.Options(cfg, cfg.Address, log)
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("dial temporal %s: %w", cfg.Address, err)
	}
	return c, nil
}

// newWorker builds the worker with its activities' dependencies. The archive at close is the
// service's (it reads and prints the case as the gateway does), so the worker holds one too.
func newWorker(cfg config.Config, s *store.Store, p *store.Policies, c client.Client, log *slog.Logger) (sdkworker.Worker, error) {
	autoPay := cfg.Payment.Mode == config.PaymentConnector
	keys, err := cfg.Actions.Keyring()
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	svc, err := service.New(service.Deps{Store: s, Policies: p, Temporal: c, TemporalConfig: cfg.Temporal,
		Logger: log, AutoPay: autoPay, PublicURL: cfg.Gateway.PublicURL, SigningKeys: keys})
	if err != nil {
		return nil, fmt.Errorf("worker: %w", err)
	}
	opts := []activities.Option{activities.WithCaseStarter(c, workflows.StartCase(cfg.Temporal.TaskQueue, autoPay)),
		activities.WithArchiver(svc.ArchiveCase)}
	if autoPay {
		opts = append(opts, activities.WithPaymentConnector(activities.PaymentConnector{
			URL: cfg.Payment.ConnectorURL, Client: &http.Client{Timeout: 30 * time.Second},
			Token: cfg.Payment.ConnectorToken, SigningSecret: cfg.Payment.ConnectorSigningSecret,
		}))
	}
	acts, err := activities.New(s, p, activities.Channels{
		Email: notify.SMTP{
			Host: cfg.Notify.SMTP.Host, Port: cfg.Notify.SMTP.Port, From: cfg.Notify.SMTP.From,
			Username: cfg.Notify.SMTP.Username, Password: cfg.Notify.SMTP.Password, Timeout: cfg.Notify.Timeout,
			TLS: cfg.Notify.SMTP.TLS,
		},
		Webhook: notify.Webhook{
			URL: cfg.Notify.Webhook.URL, Secret: cfg.Notify.Webhook.Secret,
			Client: &http.Client{Timeout: cfg.Notify.Timeout},
		},
		PublicURL: cfg.Gateway.PublicURL,
	}, opts...)
	if err != nil {
		return nil, err
	}
	return worker.New(c, cfg.Temporal.TaskQueue, acts, worker.Options{
		MaxConcurrentActivities:    cfg.Worker.MaxConcurrentActivities,
		MaxConcurrentWorkflowTasks: cfg.Worker.MaxConcurrentWorkflowTasks,
		SigningKeys:                keys,
	})
}

// newHTTPServer builds the gateway's HTTP server.
func newHTTPServer(cfg config.Config, s *store.Store, p *store.Policies, c client.Client, log *slog.Logger) (*http.Server, error) {
	keys, err := cfg.Actions.Keyring()
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	h, err := gateway.New(gateway.Deps{
		Store: s, Policies: p, Temporal: c, TemporalConfig: cfg.Temporal,
		Gateway: cfg.Gateway, Auth: cfg.Auth, Logger: log.With("component", "gateway"),
		AutoPay: cfg.Payment.Mode == config.PaymentConnector, SigningKeys: keys,
	})
	if err != nil {
		return nil, err
	}
	return &http.Server{
		Addr: cfg.Gateway.Addr, Handler: h,
		ReadTimeout: cfg.Gateway.ReadTimeout, WriteTimeout: cfg.Gateway.WriteTimeout,
		ReadHeaderTimeout: 5 * time.Second,
	}, nil
}

// serve runs the HTTP server until ctx ends, then shuts it down within the timeout.
func serve(ctx context.Context, srv *http.Server, timeout time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return fmt.Errorf("gateway: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("gateway shutdown: %w", err)
	}
	return nil
}

// backends opens what the worker and the gateway both need: Signoff's database and a Temporal
// client. close releases both.
func backends(ctx context.Context, cfg config.Config, log *slog.Logger) (s *store.Store, c client.Client, close func(), err error) {
	if s, err = store.Open(ctx, cfg.Database.URL, cfg.Database.MaxConns); err != nil {
		return nil, nil, nil, err
	}
	if c, err = dialTemporal(ctx, cfg.Temporal, log); err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	return s, c, func() { c.Close(); s.Close() }, nil
}
