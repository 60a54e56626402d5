package service

import (
	"context"
	"net/url"
	"slices"
	"time"

	"signoff/policy"
	"signoff/store"
)

// The audit log: what an auditor asks about that is not a seal. Recording never fails the
// request it records: a sign-in, a refusal or an export goes ahead (or is refused) as it would
// have, and a failed write is logged at error level with the whole entry, so it is never lost
// silently: an operator finds it in the error log and the alerting on error lines. The write is
// done inline with a short timeout of its own, detached from the request's cancellation (a
// client that hangs up does not erase its trace); one insert costs about a millisecond, and
// inline keeps the order of entries the order of events and needs no shutdown drain.

// auditWriteTimeout bounds one audit write.
const auditWriteTimeout = 2 * time.Second

// RecordAudit writes e to the audit log; a failure is logged, never returned.
func (s *Service) RecordAudit(ctx context.Context, e store.AuditEntry) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditWriteTimeout)
	defer cancel()
	if err := s.store.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "audit entry not written", "error", err, "kind", e.Kind, "actor", e.ActorID,
			"door", e.Door, "method", e.Method, "route", e.Route, "code", e.Code, "request_id", e.RequestID,
			"remote", e.Remote, "details", e.Details)
	}
}

// AuditKinds are the kinds of entry a search may ask for.
var AuditKinds = store.AuditKinds()

// AuditLog searches the audit log for an auditor (audit.read): kind, actor, from and to (days in
// the policy's timezone, both included) and the cursor of the previous page, all optional.
func (s *Service) AuditLog(ctx context.Context, u store.User, q url.Values) (store.AuditPage, error) {
	if err := s.Require(ctx, u, policy.CapAuditRead); err != nil {
		return store.AuditPage{}, err
	}
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return store.AuditPage{}, Internal(err)
	}
	loc, err := LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		return store.AuditPage{}, Internal(err)
	}
	bad := FieldErrors{}
	f := store.AuditFilter{Kind: q.Get("kind"), ActorID: q.Get("actor"), Cursor: q.Get("cursor")}
	if f.Kind != "" && !slices.Contains(AuditKinds, f.Kind) {
		bad.Add("kind", "one_of", AuditKinds)
	}
	day := func(name string) time.Time {
		v := q.Get(name)
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			bad.Add(name, "date")
		}
		return d
	}
	f.From = day("from")
	if to := day("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	if err := bad.Err(); err != nil {
		return store.AuditPage{}, err
	}
	page, err := s.store.ListAudit(ctx, f)
	if err != nil {
		return store.AuditPage{}, err // a bad cursor is the store's ErrBadCursor, mapped by the doors
	}
	if page.Items == nil {
		page.Items = []store.AuditEntry{}
	}
	return page, nil
}
