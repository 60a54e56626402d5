package ledger

import "slices"

// Group is a part of a case's content that a seal may vouch for: the policy says which groups
// each chain role's seal covers (policy.Seals), so that a resubmission's edit re-opens only the
// steps whose covered groups it changes. The canonical form writes the groups in the order of
// Groups, each field in exactly one group.
type Group string

const (
	// GroupFacts: the case, its kind, title, purpose, category, department and budget line.
	GroupFacts Group = "facts"
	// GroupAmount: the amount and its currency.
	GroupAmount Group = "amount"
	// GroupLines: the expense lines.
	GroupLines Group = "lines"
	// GroupAttachments: the attachments with the SHA-256 of their bytes.
	GroupAttachments Group = "attachments"
	// GroupPurchase: a purchase request's supplier, plan, delivery date, contract and items.
	GroupPurchase Group = "purchase"
)

// Groups are every group, in the order the canonical form writes them.
var Groups = []Group{GroupFacts, GroupAmount, GroupLines, GroupAttachments, GroupPurchase}

// KnownGroup says whether g names a group.
func KnownGroup(g Group) bool { return slices.Contains(Groups, g) }

// GroupDigest is the SHA-256 (lowercase hex) of one group's fields in the canonical form.
func (c Content) GroupDigest(g Group) string {
	f := &fields{}
	c.writeGroup(f, g)
	return f.digest()
}

// ChangedGroups lists the groups whose fields differ between a and b, in the order of Groups.
func ChangedGroups(a, b Content) []Group {
	var out []Group
	for _, g := range Groups {
		if a.GroupDigest(g) != b.GroupDigest(g) {
			out = append(out, g)
		}
	}
	return out
}

// Attested is a signed step's latest approval as an edit is judged against it: the content
// digest its seal records and, where the ledger keeps it (seal_contents), the content itself.
// Content is nil for seals from before contents were kept: only their whole digest can be
// compared.
type Attested struct {
	StepKey string
	Role    string
	Digest  string
	Content *Content
}
