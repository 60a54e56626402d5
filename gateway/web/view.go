package web

import (
	"fmt"
	"slices"
	"strings"

	"signoff/chain"
	"signoff/policy"
	"signoff/service"
	"signoff/store"
)

// Helpers the templates call on the page to hand a partial what it needs.

// rowData is one row of a case list.
type rowData struct {
	P   *page
	C   service.CaseSummary
	For *service.UserRef // the person the reader stands in for, on a delegated row
}

// Row is a case list's row.
func (p *page) Row(c service.CaseSummary) rowData { return rowData{P: p, C: c} }

// Delegated is the row of a case held by someone the reader stands in for.
func (p *page) Delegated(d service.DelegatedCase) rowData {
	return rowData{P: p, C: d.CaseSummary, For: &d.OnBehalfOf}
}

// lineData is one line item of the claim form.
type lineData struct {
	P *page
	I int // its index; -1 for the template JavaScript copies
	L formLine
}

// Line is the form's i-th line item.
func (p *page) Line(i int, l formLine) lineData { return lineData{P: p, I: i, L: l} }

// BlankLine is the empty line the form's template row starts from.
func (p *page) BlankLine() formLine { return formLine{} }

// ID names one input of the line, unique on the page.
func (d lineData) ID(field string) string { return rowInputID(d.I, field) }

// Err is the problem of one of the line's fields.
func (d lineData) Err(field string) string {
	if f, ok := d.P.Data.(*expenseForm); ok && d.I >= 0 {
		return f.LineErr(d.I, field)
	}
	return ""
}

// Required reports whether every line needs the field.
func (d lineData) Required(field string) bool {
	f, ok := d.P.Data.(*expenseForm)
	return ok && f.Required("lines[]."+field)
}

// actsData is a set of action forms: the reader's own, or those they take for someone. Each
// form is the chain's (chain.Form): which parts it takes and which it needs, as Validate says.
type actsData struct {
	P     *page
	V     *casePageView
	Who   string // on behalf of, or ""
	Forms []chain.Form
}

// Acts hands the action forms the case page and the forms.
func (p *page) Acts(who string, forms []chain.Form) actsData {
	v, _ := p.Data.(*casePageView)
	return actsData{P: p, V: v, Who: who, Forms: forms}
}

// ID names an input of one action's form, unique on the page: act-approve-button, or
// act-wang_fang-approve-button for an action on someone's behalf.
func (a actsData) ID(t chain.ActionType, field string) string {
	if a.Who == "" {
		return "act-" + string(t) + "-" + field
	}
	return "act-" + strings.NewReplacer(".", "_", " ", "_").Replace(a.Who) + "-" + string(t) + "-" + field
}

// Inline reports whether a form is one button (with an optional opinion): it needs nothing and
// takes nothing but the comment.
func (a actsData) Inline(f chain.Form) bool {
	return f.Needs == (chain.Parts{}) && f.Takes == (chain.Parts{Reason: true})
}

// Label names action t on this case's forms: a rejection that returns the case says so.
func (a actsData) Label(t chain.ActionType) string {
	if t == chain.ActReject && a.V != nil && a.V.RejectReturns {
		return a.P.T("ui.case.reject_returns")
	}
	return a.P.Action(t)
}

// hiddenData is what every action form carries.
type hiddenData struct {
	CSRF       string
	Revision   int
	Key        string
	OnBehalfOf string
}

// Hidden is the hidden fields of the set's forms.
func (a actsData) Hidden() hiddenData {
	return hiddenData{CSRF: a.P.CSRF, Revision: a.V.Revision, Key: a.V.Key, OnBehalfOf: a.Who}
}

// Typed is what was typed into action t's reason before it was refused, to type it again.
func (a actsData) Typed(t chain.ActionType) string {
	if a.V.ErrorAction == t && a.V.Typed.OnBehalfOf == a.Who {
		return a.V.Typed.Comment
	}
	return ""
}

// CategoryName names a category of the policy, or shows its ID.
func (p *page) CategoryName(id string) string {
	if p.doc != nil {
		if c, ok := p.doc.Category(id); ok {
			return c.Name
		}
	}
	return id
}

// BudgetLineName names a budget line of the policy, or shows its ID.
func (p *page) BudgetLineName(id string) string {
	if p.doc != nil {
		if b, ok := p.doc.BudgetLine(id); ok && b.Name != "" {
			return b.Name
		}
	}
	return id
}

// Person names a user of the policy, or shows their ID.
func (p *page) Person(id string) string { return service.UserName(p.doc, id) }

// PeopleExcept lists the policy's people but those named: whom a form may pick.
func (p *page) PeopleExcept(ids ...string) []service.UserRef {
	var out []service.UserRef
	if p.doc == nil {
		return out
	}
	for _, pu := range p.doc.Users {
		if !slices.Contains(ids, pu.ID) {
			out = append(out, service.UserRef{ID: pu.ID, Name: pu.Name})
		}
	}
	return out
}

// Size writes a file size for people: 834 KB, 2.4 MB.
func (p *page) Size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// Why says why a route is what it is in the reader's language; sentence is what a route resolved
// before its reasons were phrases says instead.
func (p *page) Why(w policy.Why, sentence string) string { return w.Or(sentence, p.Lang) }

// keptData is an upload a form keeps, for the "kept_upload" partial: the checkbox's name and
// id (or "").
type keptData struct {
	P    *page
	Name string
	For  string
	A    store.Attachment
}

// Kept hands the "kept_upload" partial an upload.
func (p *page) Kept(name, id string, a store.Attachment) keptData {
	return keptData{P: p, Name: name, For: id, A: a}
}
