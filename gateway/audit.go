package gateway

import (
	"context"
	"net"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"signoff/gateway/door"
	"signoff/store"
)

// The audit trail of both doors (the audit log's entries the gateway sees; policy loads are
// written by the store in the load's own transaction). Two places, not one per handler:
//
//   - auditTrail, the outermost middleware, records every request answered 403, whether the
//     route guard refused it (capability_required, unguarded_route), the CSRF check or the
//     service (forbidden, not_assignee…): door.Fail and the pages' error rendering note the
//     refusal, so the entry names its code and capability. It also records every successful
//     export: the routes in the exported table below.
//   - signIn (auth_signin.go), which both sign-ins call, records the accepted and the refused
//     passwords and the lockouts.
//
// Writing goes through service.RecordAudit, which never fails the request: see there.

// exported names the routes whose successful answer takes data away (an export, or a download an
// auditor wants to know of) and the kind of entry it leaves: the assessment's spreadsheets and
// the published review results. A JSON route that answers CSV on request is an export only with
// format=csv. A closed case's archive package, taken by an auditor, is a download.
var exported = map[string]struct {
	kind    string
	csvOnly bool
}{
	"GET /kpi/export.csv":                 {kind: store.AuditExport},
	"GET /kpi/export.xlsx":                {kind: store.AuditExport},
	"GET /review-results/export.csv":      {kind: store.AuditExport},
	"GET /api/v1/kpi/completion":          {kind: store.AuditExport, csvOnly: true},
	"GET /api/v1/kpi/completion/problems": {kind: store.AuditExport, csvOnly: true},
	"GET /api/v1/review-results":          {kind: store.AuditExport, csvOnly: true},
	"GET /api/v1/cases/{id}/archive":      {kind: store.AuditDownload},
	"GET /cases/{id}/archive":             {kind: store.AuditDownload},
}

// exportKind is the kind of entry the request leaves when answered successfully ("" for none).
func exportKind(route string, r *http.Request) string {
	x, ok := exported[route]
	if !ok || (x.csvOnly && r.URL.Query().Get("format") != "csv") {
		return ""
	}
	return x.kind
}

// doorOf names the door a request came through.
func doorOf(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return "api"
	}
	return "web"
}

// remoteOf is the client's address without the port.
func remoteOf(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// entryFor starts an audit entry for the request.
func entryFor(r *http.Request, kind, route string) store.AuditEntry {
	return store.AuditEntry{Kind: kind, ActorID: door.SignedInID(r.Context()), Door: doorOf(r), Method: r.Method,
		Route: route, RequestID: door.RequestID(r.Context()), Remote: remoteOf(r)}
}

// auditTrail records refusals and exports once the request has been answered.
func (s *server) auditTrail(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		route := r.Method + " " + chi.RouteContext(r.Context()).RoutePattern()
		switch {
		case status == http.StatusForbidden:
			e := entryFor(r, store.AuditRefused, route)
			e.Details = map[string]any{"path": r.URL.Path}
			if ref := door.Refusal(r.Context()); ref != nil {
				e.Code = ref.Code
				if c, ok := ref.Details["capability"].(string); ok {
					e.Details["capability"] = c
				}
			}
			s.svc.RecordAudit(r.Context(), e)
		case status < 300 && exportKind(route, r) != "":
			e := entryFor(r, exportKind(route, r), route)
			e.Code = strings.TrimPrefix(chi.RouteContext(r.Context()).RoutePattern(), "/")
			e.Details = map[string]any{"query": r.URL.RawQuery, "bytes": ww.BytesWritten()}
			if id := chi.URLParam(r, "id"); id != "" {
				e.Details["id"] = id // which case's package, since the route pattern does not say
			}
			s.svc.RecordAudit(r.Context(), e)
		}
	})
}

// maxAuditedName bounds the user name a failed sign-in records, as the sign-in bounds it.
const maxAuditedName = 200

// auditFailedSignIn records a refused sign-in under the name typed (which may be nobody's).
func (s *server) auditFailedSignIn(ctx context.Context, r *http.Request, typed string) {
	e := entryFor(r, store.AuditSignInFailed, r.Method+" "+r.URL.Path)
	e.ActorID, e.Code = truncateName(typed), door.ErrInvalidCredentials.Code
	s.svc.RecordAudit(ctx, e)
}

func truncateName(s string) string {
	if r := []rune(s); len(r) > maxAuditedName {
		return string(r[:maxAuditedName])
	}
	return s
}
