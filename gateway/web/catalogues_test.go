package web

import (
	"os"
	"path/filepath"
	"regexp"
	"signoff/chain"
	"signoff/gateway/door"
	"signoff/i18n"
	"signoff/policy"
	"signoff/service"
	"testing"
)

// Every sentence a template asks for is in both catalogues, and every state the chain can be in
// has its words.
func TestWebCataloguesCoverTheTemplates(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal("no templates", err)
	}
	literal := regexp.MustCompile(`T "((?:ui|error|problem)\.[a-z_.]+)"`)
	keys := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	for _, text := range []filingText{expenseText, purchaseText} { // the filing forms' shared parts
		for _, k := range []string{text.Heading, text.Purpose, text.PurposeHint, text.Category, text.Goods,
			text.PreviewIncomplete, text.PreviewOverBudget} {
			if k != "" {
				keys[k] = true
			}
		}
	}
	for _, tab := range service.InboxTabs {
		keys["ui.tab."+string(tab)] = true
		keys["ui.inbox.empty."+string(tab)] = true
	}
	for _, st := range service.CaseStatuses {
		keys["status."+st] = true
	}
	for _, a := range chain.Actions {
		keys["action."+string(a)] = true
		keys["ui.flash."+string(a)] = true
	}
	for _, d := range []chain.Decision{chain.DecSubmitted, chain.DecApproved, chain.DecRejected, chain.DecReturned,
		chain.DecResubmitted, chain.DecWithdrawn, chain.DecTransferred, chain.DecSignerAdded, chain.DecCommented,
		chain.DecNudged, chain.DecPaid, chain.DecReminded, chain.DecEscalated} {
		keys["decision."+string(d)] = true
	}
	for _, r := range []policy.Role{policy.RoleHandler, policy.RoleWitness, policy.RoleReceiver, policy.RoleReviewer,
		policy.RoleApprover, policy.RoleCashier} {
		keys["role."+string(r)] = true
	}
	for code := range door.RefusalStatus {
		keys["error."+code] = true
	}
	for k := range keys {
		for _, l := range i18n.Langs {
			if !i18n.Has(l, k) {
				t.Errorf("%s lacks %q", l, k)
			}
		}
	}
}
