package gateway

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"signoff/gateway/door"
	"signoff/policy"
)

// Every route of both doors names what it needs here, in one table: nothing (public), a signed-in
// person, or a capability of the policy (policy/capability.go; who holds it is the policy's
// capabilities section). The guard middleware looks the matched route up and refuses a person
// without the capability (403 capability_required) before any handler runs, so a refused call
// writes nothing. A route missing from the table is refused for everyone: a new route is
// unreachable until someone decides who may call it. TestEveryRouteIsGuarded holds the table and
// the router to each other.
//
// Finer questions stay with the rules that know the case: whether this person is the assignee of
// the step (chain), may act on this problem now (problem), or may receive on this order now
// (procure). The capability says who may ask at all.

// guard is what a route needs.
type guard struct {
	public   bool              // anyone, signed in or not
	signedIn bool              // anyone signed in
	cap      policy.Capability // a signed-in person holding this capability today
}

var (
	public   = guard{public: true}
	signedIn = guard{signedIn: true}
)

func needs(c policy.Capability) guard { return guard{cap: c} }

// guards maps "METHOD pattern" (chi's route pattern) to what the route needs.
var guards = map[string]guard{
	// Health, sign-in, the API's description and the pages' assets.
	"GET /livez":                  public,
	"GET /healthz":                public,
	"GET /api/v1/openapi.yaml":    public,
	"POST /api/v1/auth/login":     public,
	"GET /login":                  public,
	"POST /login":                 public,
	"GET /login/sso":              public,
	"GET /login/sso/callback":     public,
	"GET /lang":                   public,
	"GET /static/{name}":          public,
	"GET /":                       signedIn,
	"POST /logout":                signedIn,
	"POST /api/v1/auth/logout":    signedIn,
	"POST /api/v1/auth/password":  signedIn,
	"GET /password":               signedIn,
	"POST /password":              signedIn,
	"GET /api/v1/me":              signedIn,
	"GET /api/v1/categories":      signedIn,
	"GET /api/v1/budget-lines":    signedIn,
	"GET /api/v1/users":           signedIn,
	"GET /api/v1/materials":       signedIn,
	"GET /api/v1/plans":           signedIn,
	"GET /api/v1/suppliers":       signedIn,
	"GET /api/v1/suppliers/{id}":  signedIn,
	"GET /suppliers":              signedIn,
	"GET /suppliers/{id}":         signedIn,
	"GET /api/v1/representatives": signedIn,
	"GET /registry":               signedIn,

	// Password resets (an admin's: a temporary password the user must change).
	"POST /api/v1/users/{id}/password-reset": needs(policy.CapUsersManage),
	"GET /password-reset":                    needs(policy.CapUsersManage),
	"POST /password-reset":                   needs(policy.CapUsersManage),
	// Departures: a person who left is deactivated, their open steps re-routed.
	"POST /api/v1/users/{id}/deactivate": needs(policy.CapUsersManage),
	"POST /api/v1/users/{id}/reactivate": needs(policy.CapUsersManage),
	"GET /people":                        needs(policy.CapUsersManage),
	"POST /people/deactivate":            needs(policy.CapUsersManage),
	"POST /people/reactivate":            needs(policy.CapUsersManage),

	// Filing cases.
	"POST /api/v1/expenses":                        needs(policy.CapExpensesSubmit),
	"POST /api/v1/expenses/route-preview":          needs(policy.CapExpensesSubmit),
	"GET /expenses/new":                            needs(policy.CapExpensesSubmit),
	"POST /expenses/new":                           needs(policy.CapExpensesSubmit),
	"POST /expenses/preview":                       needs(policy.CapExpensesSubmit),
	"POST /api/v1/purchase-requests":               needs(policy.CapPurchasesRequest),
	"POST /api/v1/purchase-requests/route-preview": needs(policy.CapPurchasesRequest),
	"GET /purchases/new":                           needs(policy.CapPurchasesRequest),
	"POST /purchases/new":                          needs(policy.CapPurchasesRequest),
	"POST /purchases/preview":                      needs(policy.CapPurchasesRequest),

	// Working cases: the inbox, the cases one may see, their attachments, acting where the chain
	// assigns one, resubmitting one's own.
	"GET /api/v1/inbox/counts":                     needs(policy.CapCasesWork),
	"GET /api/v1/cases":                            needs(policy.CapCasesWork),
	"GET /api/v1/cases/{id}":                       needs(policy.CapCasesWork),
	"POST /api/v1/cases/{id}/actions/{action}":     needs(policy.CapCasesWork),
	"POST /api/v1/cases/{id}/resubmission-preview": needs(policy.CapCasesWork),
	"GET /api/v1/cases/{id}/voucher.pdf":           needs(policy.CapCasesWork),
	"GET /api/v1/cases/{id}/verify":                needs(policy.CapAuditVerify),
	"GET /api/v1/cases/{id}/archive":               needs(policy.CapAuditVerify),
	"POST /api/v1/attachments":                     needs(policy.CapCasesWork),
	"GET /api/v1/attachments/{id}":                 needs(policy.CapCasesWork),
	"GET /api/v1/attachments/{id}/content":         needs(policy.CapCasesWork),
	"GET /inbox":                                   needs(policy.CapCasesWork),
	"GET /cases":                                   needs(policy.CapCasesWork),
	"GET /cases/{id}":                              needs(policy.CapCasesWork),
	"POST /cases/{id}/actions/{action}":            needs(policy.CapCasesWork),
	"GET /cases/{id}/voucher.pdf":                  needs(policy.CapCasesWork),
	"GET /cases/{id}/archive":                      needs(policy.CapAuditVerify),
	"GET /cases/{id}/resubmit":                     needs(policy.CapCasesWork),
	"POST /cases/{id}/resubmit":                    needs(policy.CapCasesWork),
	"GET /attachments/{id}":                        needs(policy.CapCasesWork),
	"GET /api/v1/delegations":                      needs(policy.CapDelegationsManage),
	"POST /api/v1/delegations":                     needs(policy.CapDelegationsManage),
	"GET /delegations":                             needs(policy.CapDelegationsManage),
	"POST /delegations":                            needs(policy.CapDelegationsManage),

	// Orders: everyone working cases reads the orders of the requests they may see (the service
	// shows every order to orders.see_all, which the list needs); receiving, invoices and returns
	// have their own.
	"GET /api/v1/orders":                       needs(policy.CapOrdersSeeAll),
	"GET /api/v1/orders/{id}":                  needs(policy.CapCasesWork),
	"GET /orders":                              needs(policy.CapOrdersSeeAll),
	"GET /orders/{id}":                         needs(policy.CapCasesWork),
	"POST /api/v1/orders/{id}/deliveries":      needs(policy.CapOrdersReceive),
	"POST /orders/{id}/deliveries":             needs(policy.CapOrdersReceive),
	"POST /api/v1/orders/{id}/invoice":         needs(policy.CapOrdersInvoice),
	"POST /orders/{id}/invoice":                needs(policy.CapOrdersInvoice),
	"POST /api/v1/return-tasks/{id}/resolve":   needs(policy.CapOrdersResolveReturns),
	"POST /orders/{id}/returns/{task}":         needs(policy.CapOrdersResolveReturns),
	"POST /api/v1/suppliers":                   needs(policy.CapSuppliersEdit),
	"PATCH /api/v1/suppliers/{id}":             needs(policy.CapSuppliersEdit),
	"POST /api/v1/suppliers/{id}/certificates": needs(policy.CapSuppliersEdit),
	"POST /api/v1/suppliers/{id}/status":       needs(policy.CapSuppliersEdit),
	"GET /suppliers/new":                       needs(policy.CapSuppliersEdit),
	"POST /suppliers/new":                      needs(policy.CapSuppliersEdit),
	"POST /suppliers/{id}":                     needs(policy.CapSuppliersEdit),
	"POST /suppliers/{id}/certificates":        needs(policy.CapSuppliersEdit),
	"POST /suppliers/{id}/status":              needs(policy.CapSuppliersEdit),

	// Production: raising and working problems (the problem rules decide who acts on which),
	// the center's coordination, the registry, the boards and the completion rates.
	"POST /api/v1/problems":                       needs(policy.CapProblemsRaise),
	"GET /problems/new":                           needs(policy.CapProblemsRaise),
	"POST /problems/new":                          needs(policy.CapProblemsRaise),
	"GET /api/v1/problems/{id}":                   needs(policy.CapProblemsWork),
	"POST /api/v1/problems/{id}/actions/{action}": needs(policy.CapProblemsWork),
	"GET /api/v1/problems/{id}/verify":            needs(policy.CapAuditVerify),
	"GET /problems":                               needs(policy.CapProblemsWork),
	"GET /problems/{id}":                          needs(policy.CapProblemsWork),
	"POST /problems/{id}/actions/{action}":        needs(policy.CapProblemsWork),
	"GET /board/me":                               needs(policy.CapProblemsWork),
	"GET /api/v1/meetings/{id}":                   needs(policy.CapProblemsWork),
	"GET /meetings":                               needs(policy.CapProblemsWork),
	"GET /meetings/{id}":                          needs(policy.CapProblemsWork),
	"POST /api/v1/meetings":                       needs(policy.CapProblemsCoordinate),
	"POST /meetings":                              needs(policy.CapProblemsCoordinate),
	"POST /meetings/{id}/decisions":               needs(policy.CapProblemsCoordinate),
	"POST /api/v1/representatives":                needs(policy.CapRegistryEdit),
	"POST /api/v1/representatives/{id}/end":       needs(policy.CapRegistryEdit),
	"POST /registry":                              needs(policy.CapRegistryEdit),
	"POST /registry/{id}/end":                     needs(policy.CapRegistryEdit),
	"GET /api/v1/boards/center":                   needs(policy.CapBoardsView),
	"GET /api/v1/boards/execution":                needs(policy.CapBoardsView),
	"GET /api/v1/boards/models":                   needs(policy.CapBoardsView),
	"GET /boards/center":                          needs(policy.CapBoardsView),
	"GET /boards/center.json":                     needs(policy.CapBoardsView),
	"GET /boards/execution":                       needs(policy.CapBoardsView),
	"GET /boards/models":                          needs(policy.CapBoardsView),
	"GET /api/v1/kpi/completion":                  needs(policy.CapBoardsView),
	"GET /api/v1/kpi/completion/problems":         needs(policy.CapBoardsView),
	"GET /kpi":                                    needs(policy.CapBoardsView),
	"GET /kpi/problems":                           needs(policy.CapBoardsView),
	"GET /kpi/export.csv":                         needs(policy.CapBoardsView),
	"GET /kpi/export.xlsx":                        needs(policy.CapBoardsView),

	// Audit: the published review results for everyone, the audit log for auditors.
	"GET /api/v1/review-results":     needs(policy.CapReviewsView),
	"GET /review-results":            needs(policy.CapReviewsView),
	"GET /review-results/export.csv": needs(policy.CapReviewsView),
	"GET /api/v1/audit":              needs(policy.CapAuditRead),
	"GET /audit":                     needs(policy.CapAuditRead),
}

// errUnguarded refuses a route the guards table does not name.
var errUnguarded = &door.Error{Status: http.StatusForbidden, Code: "unguarded_route",
	Message: "This route does not say who may call it, so nobody may; it has been logged."}

// guarded is the middleware behind sign-in on both doors: it lets the request through only when
// the signed-in person holds what the matched route needs.
func (s *server) guarded(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + chi.RouteContext(r.Context()).RoutePattern()
		g, ok := guards[key]
		switch {
		case !ok:
			s.log.ErrorContext(r.Context(), "route without a guard", "route", key)
			s.failFor(w, r, errUnguarded)
			return
		case g.public || g.signedIn:
			next.ServeHTTP(w, r)
			return
		}
		grants, err := s.svc.GrantsToday(r.Context(), door.User(r.Context()))
		if err == nil {
			err = grants.Require(g.cap)
		}
		if err != nil {
			s.failFor(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(door.WithGrants(r.Context(), grants)))
	})
}
