package policy

import (
	"maps"
	"slices"
	"strings"
)

// Permissions as data. Besides signing the steps of a chain (which the chain's assignees decide),
// a person may do a few things across cases: see every case, receive goods, register invoices,
// keep the supplier master data or the registry, coordinate production problems. Each is a
// Capability, and the document's capabilities section says who holds it:
//
//	capabilities:
//	  orders.invoice: {roles: [buyer, accountant]}
//	  registry.edit:  {roles: [general_manager], posts: [center_director, center_deputy]}
//
// The section is keyed by capability, not by role, so that "who may register an invoice?" has one
// answer in one line of the file; a grant names roles and registry posts side by side because a
// post held on the day (the registry's center director, say) is a subject just as a role is, and
// one capability (registry.edit) is granted to both. Lists per role would spread one permission
// over many entries and leave posts without a place.
//
// A capability the section does not name, and every capability of a document without the
// section (every policy stored before capabilities were data), is granted as DefaultGrants says:
// exactly what the service decided before, so loading an old version changes nobody's rights.
// To withdraw a capability from everyone, name it with an empty grant: `orders.invoice: {}`.
// Naming it defaults per capability, rather than refusing a section that omits one, keeps every
// stored version loadable when a later release adds a capability.

// Capability is something a person may be allowed to do beyond signing their chain steps.
type Capability string

const (
	// CapCasesSeeAll: see every case of every department, list and search them all (not only the
	// cases one submitted, was on or was copied to): the reviewers, cashiers and deciders who work
	// across departments.
	CapCasesSeeAll Capability = "cases.see_all"
	// CapOrdersSeeAll: see every purchase order and the list of orders (others see only the orders
	// of purchase requests they may see).
	CapOrdersSeeAll Capability = "orders.see_all"
	// CapOrdersReceive: register a delivery on an order (到货验收: the keeper's inspection line by
	// line, and the keeper's seal at once when asked).
	CapOrdersReceive Capability = "orders.receive"
	// CapOrdersInvoice: register the supplier's invoice on an order, which starts the three-way
	// match and the payment.
	CapOrdersInvoice Capability = "orders.invoice"
	// CapOrdersResolveReturns: settle a return task (refused goods returned, exchanged or credited
	// with the supplier).
	CapOrdersResolveReturns Capability = "orders.resolve_returns"
	// CapSuppliersEdit: keep the supplier master data: create a supplier, change it, admit or
	// suspend it, record its certificates.
	CapSuppliersEdit Capability = "suppliers.edit"
	// CapRegistryEdit: keep the production control center's registry (业务代表名册): give and end
	// posts.
	CapRegistryEdit Capability = "registry.edit"
	// CapProblemsCoordinate: act as the production control center on production problems: screen
	// them (publish, reject, merge), re-publish, move a due date, escalate, verify or refuse a
	// solution as the center, see the screening queue, and record coordination meetings and their
	// decisions (which are published problems). It is one capability because the problem rules
	// know one "center" actor (problem.Actor.Center); splitting it would let a meeting's decision
	// be recorded by someone the publication then refuses.
	CapProblemsCoordinate Capability = "problems.coordinate"
	// CapAuditRead: search the audit log (sign-ins, refused calls, policy loads, exports): the
	// internal audit department (审计部) and the finance director and general manager it reports to.
	CapAuditRead Capability = "audit.read"
	// CapAuditVerify: verify the seal ledger of any case (审计): recompute its content digest and
	// hash chain and see where it breaks. It shows hashes and the first broken seal, not the
	// case's facts, so it needs no right to see the case.
	CapAuditVerify Capability = "audit.verify"
	// CapUsersManage: manage people's sign-in: reset someone's password to a temporary one they
	// must change at their next sign-in (the office that runs IT; the general manager's office in
	// the demo, which has no IT department).
	CapUsersManage Capability = "users.manage"

	// What everyone signed in does by default. They are capabilities all the same so that a
	// policy can withhold them from a role (an outside auditor who reads but never files, say),
	// and so that every route of both doors names the capability it needs.

	// CapExpensesSubmit: file expense claims and advances (drafts, route preview, resubmission).
	CapExpensesSubmit Capability = "expenses.submit"
	// CapPurchasesRequest: file purchase requests.
	CapPurchasesRequest Capability = "purchases.request"
	// CapCasesWork: read one's inbox and the cases one may see, and act on a case where its
	// chain assigns one (the chain decides who is an assignee; this decides who may ask).
	CapCasesWork Capability = "cases.work"
	// CapDelegationsManage: name a stand-in for one's own signatures for a period.
	CapDelegationsManage Capability = "delegations.manage"
	// CapProblemsRaise: raise a production problem.
	CapProblemsRaise Capability = "problems.raise"
	// CapProblemsWork: read production problems, one's role board and the meetings, and act on a
	// problem where the problem rules let one (as its raiser or a representative).
	CapProblemsWork Capability = "problems.work"
	// CapBoardsView: the control center's big screen and the completion-rate (KPI) pages.
	CapBoardsView Capability = "boards.view"
	// CapReviewsView: the published review results (审核结果上墙公示): what the reviewers approved,
	// returned and rejected per department and period, and why.
	CapReviewsView Capability = "reviews.view"
)

// capabilities lists every capability in the order Capabilities returns them.
var capabilities = []Capability{
	CapExpensesSubmit, CapPurchasesRequest, CapCasesWork, CapDelegationsManage,
	CapProblemsRaise, CapProblemsWork, CapBoardsView, CapReviewsView,
	CapCasesSeeAll, CapOrdersSeeAll, CapOrdersReceive, CapOrdersInvoice, CapOrdersResolveReturns,
	CapSuppliersEdit, CapRegistryEdit, CapProblemsCoordinate, CapAuditRead, CapAuditVerify, CapUsersManage,
}

// Capabilities lists every capability: first what everyone signed in holds by default, then the
// cases', purchasing's and production's special ones; a new capability is added here and in
// DefaultGrants.
func Capabilities() []Capability { return slices.Clone(capabilities) }

func (c Capability) known() bool { return slices.Contains(capabilities, c) }

// Post is a post of the production control center's registry (业务代表名册). Who holds which post
// is kept day by day in the registry, not in the policy; the policy only grants capabilities to
// the posts.
type Post string

// Posts of the registry. The store keeps who holds them; its names must be these.
const (
	PostCenterDirector   Post = "center_director"   // 生产管控中心主任
	PostCenterDeputy     Post = "center_deputy"     // 副主任
	PostCenterDispatcher Post = "center_dispatcher" // 调度员
	PostRepresentative   Post = "representative"    // 业务代表, of a department
	PostDepartmentLeader Post = "department_leader" // 部门分管领导, of a department
)

// Posts lists every registry post, the center's first, in the order the registry shows them.
func Posts() []Post {
	return []Post{PostCenterDirector, PostCenterDeputy, PostCenterDispatcher, PostRepresentative, PostDepartmentLeader}
}

// Grant is who holds one capability: everyone signed in, or the holders of any of Roles and, on a
// given day, the holders of any of Posts. An empty grant holds it for nobody.
type Grant struct {
	Everyone bool   `json:"everyone,omitempty" yaml:"everyone"`
	Roles    []Role `json:"roles,omitempty" yaml:"roles"`
	Posts    []Post `json:"posts,omitempty" yaml:"posts"`
}

// Subject is a person as a permission sees them: the organisation roles they hold and the
// registry posts they hold on the day the question is asked (for a department's post, whatever
// the department). The caller reads the posts from the registry; the policy never does I/O.
type Subject struct {
	Roles []Role
	Posts []Post
}

// defaultGrants are the grants of a document that names no capabilities: what the service
// decided before capabilities were policy data (gateway checks of role names and registry posts).
var defaultGrants = func() map[Capability]Grant {
	finance := []Role{RoleReviewer, RoleCashier, "finance_director", "general_manager"}
	return map[Capability]Grant{
		CapCasesSeeAll:          {Roles: finance},
		CapOrdersSeeAll:         {Roles: append([]Role{RoleKeeper, "buyer", RoleAccountant}, finance...)},
		CapOrdersReceive:        {Roles: []Role{RoleKeeper, "buyer"}},
		CapOrdersInvoice:        {Roles: []Role{"buyer", RoleAccountant}},
		CapOrdersResolveReturns: {Roles: []Role{"buyer"}},
		CapSuppliersEdit:        {Roles: []Role{"buyer"}},
		CapRegistryEdit:         {Roles: []Role{"general_manager"}, Posts: []Post{PostCenterDirector, PostCenterDeputy}},
		CapProblemsCoordinate:   {Posts: []Post{PostCenterDirector, PostCenterDeputy, PostCenterDispatcher}},
		CapAuditRead:            {Roles: []Role{RoleInternalAuditor, "finance_director", "general_manager"}},
		CapAuditVerify:          {Roles: []Role{RoleInternalAuditor, RoleReviewer, RoleAccountant, "finance_director", "general_manager"}},
		CapUsersManage:          {Roles: []Role{"general_manager"}},
		CapExpensesSubmit:       {Everyone: true},
		CapPurchasesRequest:     {Everyone: true},
		CapCasesWork:            {Everyone: true},
		CapDelegationsManage:    {Everyone: true},
		CapProblemsRaise:        {Everyone: true},
		CapProblemsWork:         {Everyone: true},
		CapBoardsView:           {Everyone: true},
		CapReviewsView:          {Everyone: true},
	}
}()

// DefaultGrants returns a copy of the grants a document has for the capabilities it does not
// name; the caller may change it. They name roles whether or not a document's catalogue declares
// them: a role nobody holds grants nothing.
func DefaultGrants() map[Capability]Grant {
	out := make(map[Capability]Grant, len(defaultGrants))
	for c, g := range defaultGrants {
		out[c] = g.clone()
	}
	return out
}

func (g Grant) clone() Grant {
	return Grant{Everyone: g.Everyone, Roles: slices.Clone(g.Roles), Posts: slices.Clone(g.Posts)}
}

// grant is the grant in force for a known capability: the document's, else the default.
func (d *Document) grant(c Capability) Grant {
	if g, ok := d.Grants[c]; ok {
		return g
	}
	return defaultGrants[c]
}

// WhoMay returns (a copy of) the grant in force for a capability: the document's, or the default
// when the document does not name it. An unknown capability, or a nil document, is granted to
// nobody.
func (d *Document) WhoMay(c Capability) Grant {
	if d == nil || !c.known() {
		return Grant{}
	}
	return d.grant(c).clone()
}

// Allows reports whether the subject holds the capability under this document: one of their roles
// or posts is granted it (see WhoMay). It is the one place a permission is decided. A nil
// document allows nothing, so a caller that failed to read the policy refuses.
func (d *Document) Allows(s Subject, c Capability) bool {
	if d == nil || !c.known() {
		return false
	}
	g := d.grant(c)
	return g.Everyone || slices.ContainsFunc(s.Roles, func(r Role) bool { return slices.Contains(g.Roles, r) }) ||
		slices.ContainsFunc(s.Posts, func(p Post) bool { return slices.Contains(g.Posts, p) })
}

// CapabilitiesOf lists the capabilities the subject holds, in the order of Capabilities (never
// nil): what a page asks to decide which links and forms to show.
func (d *Document) CapabilitiesOf(s Subject) []Capability {
	out := []Capability{}
	for _, c := range capabilities {
		if d.Allows(s, c) {
			out = append(out, c)
		}
	}
	return out
}

// grants checks the capabilities section: known capabilities, roles from the catalogue, registry
// posts, none named twice in one grant.
func (v *validator) grants() {
	caps := slices.Sorted(maps.Keys(v.d.Grants))
	for _, c := range caps {
		if !c.known() {
			v.addf("capabilities: %q is not a capability (one of %s)", c, joinNames(capabilities))
			continue
		}
		g := v.d.Grants[c]
		if g.Everyone && (len(g.Roles) > 0 || len(g.Posts) > 0) {
			v.addf("capability %s: everyone already holds it; name roles and posts, or everyone, not both", c)
		}
		for i, r := range g.Roles {
			switch {
			case !v.roles[r]:
				v.addf("capability %s: role %q is not in roles", c, r)
			case slices.Contains(g.Roles[:i], r):
				v.addf("capability %s: role %q is listed twice", c, r)
			}
		}
		for i, p := range g.Posts {
			switch {
			case !slices.Contains(Posts(), p):
				v.addf("capability %s: post %q is not a registry post (one of %s)", c, p, joinNames(Posts()))
			case slices.Contains(g.Posts[:i], p):
				v.addf("capability %s: post %q is listed twice", c, p)
			}
		}
	}
}

func joinNames[S ~string](names []S) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(n)
	}
	return strings.Join(out, ", ")
}
