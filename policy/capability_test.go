package policy

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// before is who held each capability when the gateway decided with role names and registry posts
// written in its code (views.go financeRoles, orders.go orderRoles and holdsAny, suppliers.go
// isBuyer, representatives.go mayKeepRegistry, problems.go problemActor). It is written out here,
// apart from defaultGrants, so that a change to either shows.
var before = map[Capability]struct {
	everyone bool
	roles    []Role
	posts    []Post
}{
	CapExpensesSubmit:    {everyone: true},
	CapPurchasesRequest:  {everyone: true},
	CapCasesWork:         {everyone: true},
	CapDelegationsManage: {everyone: true},
	CapProblemsRaise:     {everyone: true},
	CapProblemsWork:      {everyone: true},
	CapBoardsView:        {everyone: true},
	CapReviewsView:       {everyone: true}, // added with the published review results
	// added with the audit log: the internal audit department and those it reports to
	CapAuditRead:            {roles: []Role{"internal_auditor", "finance_director", "general_manager"}},
	CapCasesSeeAll:          {roles: []Role{"reviewer", "cashier", "finance_director", "general_manager"}},
	CapOrdersSeeAll:         {roles: []Role{"keeper", "buyer", "accountant", "reviewer", "cashier", "finance_director", "general_manager"}},
	CapOrdersReceive:        {roles: []Role{"keeper", "buyer"}},
	CapOrdersInvoice:        {roles: []Role{"buyer", "accountant"}},
	CapOrdersResolveReturns: {roles: []Role{"buyer"}},
	CapSuppliersEdit:        {roles: []Role{"buyer"}},
	CapRegistryEdit:         {roles: []Role{"general_manager"}, posts: []Post{"center_director", "center_deputy"}},
	CapProblemsCoordinate:   {posts: []Post{"center_director", "center_deputy", "center_dispatcher"}},
	// Added with the seal ledger; a document that does not name it grants it to these roles.
	CapAuditVerify: {roles: []Role{"internal_auditor", "reviewer", "accountant", "finance_director", "general_manager"}},
	// New with the password reset, which nobody could do before: a document that does not name it
	// gives it to the general manager, who could already change everyone's hash in the policy.
	CapUsersManage: {roles: []Role{"general_manager"}},
}

// withoutCapabilitiesYAML is demo.yaml as a file written before capabilities were data.
func withoutCapabilitiesYAML(t *testing.T) []byte {
	t.Helper()
	src := string(DemoYAML)
	start := strings.Index(src, "\ncapabilities:\n")
	end := strings.Index(src, "\nchains:\n")
	if start < 0 || end < start {
		t.Fatal("demo.yaml has no capabilities section before its chains")
	}
	return []byte(src[:start+1] + src[end+1:])
}

// storedBefore is the demo as a version stored before capabilities were data: its JSON has no
// capabilities key.
func storedBefore(t *testing.T) []byte {
	t.Helper()
	d := Demo()
	d.Grants = nil
	b, err := d.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(`"capabilities"`)) {
		t.Fatalf("a document without grants still writes a capabilities key: %s", b)
	}
	return b
}

func TestCapabilitiesAreListedOnceWithDefaults(t *testing.T) {
	caps := Capabilities()
	name := regexp.MustCompile(`^[a-z]+\.[a-z_]+$`)
	for i, c := range caps {
		if !name.MatchString(string(c)) {
			t.Errorf("capability %q is not named domain.action", c)
		}
		if slices.Contains(caps[:i], c) {
			t.Errorf("capability %q is listed twice", c)
		}
		if _, ok := DefaultGrants()[c]; !ok {
			t.Errorf("capability %q has no default grant", c)
		}
		if _, ok := before[c]; !ok {
			t.Errorf("capability %q is missing from this test's table of the behaviour before", c)
		}
	}
	if len(DefaultGrants()) != len(caps) || len(before) != len(caps) {
		t.Errorf("%d capabilities, %d default grants, %d in the table before", len(caps), len(DefaultGrants()), len(before))
	}
	caps[0] = "changed"
	if Capabilities()[0] == "changed" {
		t.Error("Capabilities returns the package's own slice")
	}
	g := DefaultGrants()
	g[CapOrdersInvoice].Roles[0] = "changed"
	if DefaultGrants()[CapOrdersInvoice].Roles[0] == "changed" {
		t.Error("DefaultGrants shares its slices")
	}
}

// TestAllowsAsBefore asks every capability of every role of the demo catalogue and every registry
// post alone, under the demo (which writes its grants out), a file without the section, and a
// version stored before capabilities were data: each must decide as the gateway did.
func TestAllowsAsBefore(t *testing.T) {
	noSection, err := Load(withoutCapabilitiesYAML(t))
	if err != nil {
		t.Fatal(err)
	}
	if noSection.Grants != nil {
		t.Fatalf("a file without capabilities has grants %v", noSection.Grants)
	}
	old, err := FromJSON(storedBefore(t))
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*Document{"demo": Demo(), "file without capabilities": noSection, "stored before": old}
	for name, d := range docs {
		for _, c := range Capabilities() {
			want := before[c]
			for _, r := range d.Roles {
				if got := d.Allows(Subject{Roles: []Role{r.ID}}, c); got != (want.everyone || slices.Contains(want.roles, r.ID)) {
					t.Errorf("%s: role %s: Allows(%s) = %v", name, r.ID, c, got)
				}
			}
			for _, p := range Posts() {
				if got := d.Allows(Subject{Posts: []Post{p}}, c); got != (want.everyone || slices.Contains(want.posts, p)) {
					t.Errorf("%s: post %s: Allows(%s) = %v", name, p, c, got)
				}
			}
		}
	}
}

func TestDemoWritesEveryGrantOut(t *testing.T) {
	d := Demo()
	for _, c := range Capabilities() {
		g, ok := d.Grants[c]
		if !ok {
			t.Errorf("demo.yaml does not name %s", c)
			continue
		}
		def := DefaultGrants()[c]
		if g.Everyone != def.Everyone || !slices.Equal(g.Roles, def.Roles) || !slices.Equal(g.Posts, def.Posts) {
			t.Errorf("demo.yaml grants %s to %+v, the default is %+v", c, g, def)
		}
	}
}

// TestStoredBeforeKeepsItsChecksum: a version stored before capabilities were data reads back with
// the same checksum, so loading the same rules again is still recognised as unchanged.
func TestStoredBeforeKeepsItsChecksum(t *testing.T) {
	b := storedBefore(t)
	old, err := FromJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := old.CanonicalJSON()
	if !bytes.Equal(again, b) {
		t.Errorf("the stored form changed on reading:\n%s\n%s", b, again)
	}
	if old.Checksum() == Demo().Checksum() {
		t.Error("writing the grants out does not change the checksum: the grants are not part of the document")
	}
}

// withGrants returns the demo with its capabilities section replaced by the YAML given.
func withGrants(t *testing.T, section string) *Document {
	t.Helper()
	src := string(withoutCapabilitiesYAML(t))
	i := strings.Index(src, "\nchains:\n")
	d, err := Load([]byte(src[:i+1] + "capabilities:\n" + section + "\n" + src[i+1:]))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestAllows(t *testing.T) {
	withdrawn := withGrants(t, `
  orders.invoice: {roles: [buyer]}
  registry.edit: {roles: [general_manager]}
  problems.coordinate: {}
  cases.see_all: {roles: [general_manager, keeper], posts: [center_director]}`)
	sub := func(roles []Role, posts ...Post) Subject { return Subject{Roles: roles, Posts: posts} }
	tests := []struct {
		name string
		doc  *Document
		s    Subject
		c    Capability
		want bool
	}{
		{"an accountant registers invoices", Demo(), sub([]Role{"handler", "accountant"}), CapOrdersInvoice, true},
		{"withdrawn from the accountant", withdrawn, sub([]Role{"handler", "accountant"}), CapOrdersInvoice, false},
		{"kept for the buyer", withdrawn, sub([]Role{"buyer"}), CapOrdersInvoice, true},
		{"a capability not named keeps its default", withdrawn, sub([]Role{"buyer"}), CapSuppliersEdit, true},
		{"and denies as its default", withdrawn, sub([]Role{"keeper"}), CapSuppliersEdit, false},
		{"granted to a new role", withdrawn, sub([]Role{"keeper"}), CapCasesSeeAll, true},
		{"withdrawn from a finance role", withdrawn, sub([]Role{"reviewer"}), CapCasesSeeAll, false},
		{"granted to a post", withdrawn, sub(nil, PostCenterDirector), CapCasesSeeAll, true},
		{"the center's director keeps the registry", Demo(), sub([]Role{"handler"}, PostCenterDirector), CapRegistryEdit, true},
		{"a deputy keeps the registry", Demo(), sub(nil, PostCenterDeputy), CapRegistryEdit, true},
		{"a dispatcher does not", Demo(), sub(nil, PostCenterDispatcher), CapRegistryEdit, false},
		{"the general manager keeps it without a post", Demo(), sub([]Role{"general_manager"}), CapRegistryEdit, true},
		{"a post withdrawn", withdrawn, sub(nil, PostCenterDirector), CapRegistryEdit, false},
		{"a dispatcher coordinates problems", Demo(), sub(nil, PostCenterDispatcher), CapProblemsCoordinate, true},
		{"a representative does not", Demo(), sub([]Role{"handler"}, PostRepresentative), CapProblemsCoordinate, false},
		{"the general manager does not either", Demo(), sub([]Role{"general_manager"}), CapProblemsCoordinate, false},
		{"granted to nobody", withdrawn, sub(nil, PostCenterDirector, PostCenterDeputy, PostCenterDispatcher), CapProblemsCoordinate, false},
		{"any one post of several", Demo(), sub(nil, PostRepresentative, PostCenterDeputy), CapProblemsCoordinate, true},
		{"nobody at all", Demo(), Subject{}, CapCasesSeeAll, false},
		{"an unknown capability", Demo(), sub([]Role{"general_manager"}, PostCenterDirector), "cases.delete_all", false},
		{"no document", nil, sub([]Role{"general_manager"}), CapRegistryEdit, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.doc.Allows(tt.s, tt.c); got != tt.want {
				t.Errorf("Allows(%+v, %s) = %v, want %v", tt.s, tt.c, got, tt.want)
			}
		})
	}
}

func TestCapabilitiesOf(t *testing.T) {
	d := Demo()
	roles := func(id string) []Role {
		u, ok := d.User(id)
		if !ok {
			t.Fatalf("no user %q", id)
		}
		return u.Roles
	}
	everyone := func(special ...Capability) []Capability {
		return append([]Capability{CapExpensesSubmit, CapPurchasesRequest, CapCasesWork, CapDelegationsManage,
			CapProblemsRaise, CapProblemsWork, CapBoardsView, CapReviewsView}, special...)
	}
	tests := []struct {
		name string
		s    Subject
		want []Capability
	}{
		{"a salesman", Subject{Roles: roles("zhang.wei")}, everyone()},
		{"the buyer", Subject{Roles: roles("guo.hua")},
			everyone(CapOrdersSeeAll, CapOrdersReceive, CapOrdersInvoice, CapOrdersResolveReturns, CapSuppliersEdit)},
		{"the keeper", Subject{Roles: roles("he.ping")}, everyone(CapOrdersSeeAll, CapOrdersReceive)},
		{"an accountant and reviewer", Subject{Roles: roles("sun.min")}, everyone(CapCasesSeeAll, CapOrdersSeeAll, CapOrdersInvoice, CapAuditVerify)},
		{"the general manager directing the center", Subject{Roles: roles("zhao.qiang"), Posts: []Post{PostCenterDirector}},
			everyone(CapCasesSeeAll, CapOrdersSeeAll, CapRegistryEdit, CapProblemsCoordinate, CapAuditRead, CapAuditVerify, CapUsersManage)},
		{"an internal auditor", Subject{Roles: roles("tang.ning")}, everyone(CapAuditRead, CapAuditVerify)},
		{"a dispatcher", Subject{Roles: roles("tian.yu"), Posts: []Post{PostCenterDispatcher}}, everyone(CapProblemsCoordinate)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.CapabilitiesOf(tt.s)
			if got == nil || !slices.Equal(got, tt.want) {
				t.Errorf("CapabilitiesOf = %#v, want %v", got, tt.want)
			}
		})
	}
}

func TestWhoMay(t *testing.T) {
	d := withGrants(t, `  orders.invoice: {roles: [buyer]}`)
	if g := d.WhoMay(CapOrdersInvoice); !slices.Equal(g.Roles, []Role{"buyer"}) || g.Posts != nil {
		t.Errorf("WhoMay(named) = %+v", g)
	}
	if g := d.WhoMay(CapRegistryEdit); !slices.Equal(g.Roles, []Role{"general_manager"}) ||
		!slices.Equal(g.Posts, []Post{PostCenterDirector, PostCenterDeputy}) {
		t.Errorf("WhoMay(not named) = %+v, want the default", g)
	}
	d.WhoMay(CapOrdersInvoice).Roles[0] = "changed"
	d.WhoMay(CapRegistryEdit).Roles[0] = "changed"
	if !d.Allows(Subject{Roles: []Role{"buyer"}}, CapOrdersInvoice) || !d.Allows(Subject{Roles: []Role{"general_manager"}}, CapRegistryEdit) {
		t.Error("changing what WhoMay returned changed the grants")
	}
	var none *Document
	if g := d.WhoMay("cases.delete_all"); g.Roles != nil || g.Posts != nil {
		t.Errorf("WhoMay(unknown) = %+v", g)
	}
	if g := none.WhoMay(CapCasesSeeAll); g.Roles != nil || g.Posts != nil {
		t.Errorf("nil document: WhoMay = %+v", g)
	}
}

func TestGrantsRefused(t *testing.T) {
	tests := []struct {
		name    string
		section string
		want    string
	}{
		{"unknown capability", `  orders.invoise: {roles: [buyer]}`,
			`capabilities: "orders.invoise" is not a capability (one of expenses.submit, purchases.request,`},
		{"unknown role", `  orders.invoice: {roles: [buyer, boss]}`, `capability orders.invoice: role "boss" is not in roles`},
		{"role twice", `  orders.invoice: {roles: [buyer, accountant, buyer]}`, `capability orders.invoice: role "buyer" is listed twice`},
		{"unknown post", `  registry.edit: {posts: [center_boss]}`,
			`capability registry.edit: post "center_boss" is not a registry post (one of center_director, center_deputy, center_dispatcher, representative, department_leader)`},
		{"post twice", `  registry.edit: {posts: [center_deputy, center_deputy]}`, `capability registry.edit: post "center_deputy" is listed twice`},
		{"a role given as a post", `  registry.edit: {posts: [general_manager]}`, `post "general_manager" is not a registry post`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := string(withoutCapabilitiesYAML(t))
			i := strings.Index(src, "\nchains:\n")
			_, err := Load([]byte(src[:i+1] + "capabilities:\n" + tt.section + "\n" + src[i+1:]))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load() error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// TestGrantsEveryProblemAtItsPlace: every wrong entry is reported, in capability order, and the
// rest of the document is still checked.
func TestGrantsEveryProblemAtItsPlace(t *testing.T) {
	d := Demo()
	d.Grants["zz.unknown"] = Grant{}
	d.Grants[CapOrdersReceive] = Grant{Roles: []Role{"boss"}}
	d.Grants[CapCasesSeeAll] = Grant{Posts: []Post{"nobody"}}
	d.Currency = ""
	assertProblem(t, d.Validate(), "currency is empty")
	var got []string
	for _, p := range d.Validate().(*ValidationError).Problems {
		if strings.HasPrefix(p, "capabilit") {
			got = append(got, p[:strings.IndexAny(p, ":")])
		}
	}
	want := []string{"capability cases.see_all", "capability orders.receive", "capabilities"}
	if !slices.Equal(got, want) {
		t.Errorf("capability problems at %q, want %q", got, want)
	}
}

func TestGrantsDecodeStrictly(t *testing.T) {
	src := strings.Replace(string(DemoYAML), "orders.invoice: {roles: [buyer, accountant]}",
		"orders.invoice: {roles: [buyer], users: [sun.min]}", 1)
	if _, err := Load([]byte(src)); err == nil || !strings.Contains(err.Error(), "field users not found") {
		t.Errorf("Load() error = %v, want the unknown field refused", err)
	}
	src = strings.Replace(string(DemoYAML), "  orders.receive: {roles: [keeper, buyer]}\n",
		"  orders.receive: {roles: [keeper, buyer]}\n  orders.receive: {roles: [keeper]}\n", 1)
	if _, err := Load([]byte(src)); err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Errorf("Load() error = %v, want the capability named twice refused", err)
	}
	good, _ := Demo().CanonicalJSON()
	bad := strings.Replace(string(good), `"orders.invoice":{"roles":["buyer","accountant"]}`,
		`"orders.invoice":{"roles":["buyer","accountant"],"users":["sun.min"]}`, 1)
	if bad == string(good) {
		t.Fatalf("the demo's JSON does not hold the invoice grant as expected: %s", good)
	}
	if _, err := FromJSON([]byte(bad)); err == nil || !strings.Contains(err.Error(), `unknown field "users"`) {
		t.Errorf("FromJSON() error = %v, want the unknown field refused", err)
	}
}

// TestEmptyGrantRoundTrips: `{}` (nobody) survives storage as nobody, not as the default.
func TestEmptyGrantRoundTrips(t *testing.T) {
	d := withGrants(t, `  orders.invoice: {roles: []}`)
	b, err := d.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Capabilities map[string]json.RawMessage `json:"capabilities"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if string(raw.Capabilities["orders.invoice"]) != "{}" {
		t.Errorf("stored grant = %s, want {}", raw.Capabilities["orders.invoice"])
	}
	for _, doc := range []*Document{d, back} {
		if doc.Allows(Subject{Roles: []Role{"buyer", "accountant"}}, CapOrdersInvoice) {
			t.Error("an empty grant allows")
		}
	}
	if back.Checksum() != d.Checksum() {
		t.Error("checksum changed across a JSON round trip")
	}
}

func TestEveryoneGrant(t *testing.T) {
	withheld := withGrants(t, `
  expenses.submit: {roles: [handler]}
  boards.view: {}`)
	if !Demo().Allows(Subject{}, CapExpensesSubmit) {
		t.Error("the demo does not let someone with no role file a claim")
	}
	if withheld.Allows(Subject{Roles: []Role{"reviewer"}}, CapExpensesSubmit) {
		t.Error("a grant to handlers still lets a reviewer file a claim")
	}
	if !withheld.Allows(Subject{Roles: []Role{"handler"}}, CapExpensesSubmit) {
		t.Error("a grant to handlers does not let a handler file a claim")
	}
	if withheld.Allows(Subject{Roles: []Role{"general_manager"}, Posts: []Post{PostCenterDirector}}, CapBoardsView) {
		t.Error("an empty grant still shows the boards")
	}
	if !withheld.Allows(Subject{}, CapProblemsRaise) {
		t.Error("a capability not named lost its default for everyone")
	}
	src := string(withoutCapabilitiesYAML(t))
	i := strings.Index(src, "\nchains:\n")
	_, err := Load([]byte(src[:i+1] + "capabilities:\n  cases.work: {everyone: true, roles: [handler]}\n" + src[i+1:]))
	if err == nil || !strings.Contains(err.Error(), "capability cases.work: everyone already holds it") {
		t.Errorf("everyone with roles: Load() error = %v", err)
	}
}
