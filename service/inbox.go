package service

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"signoff/policy"
	"signoff/store"
)

// Lists of cases: the inbox's tabs (to do, done, submitted, copied), what one was ever on, and
// every case for those the policy lets see them all (cases.see_all). A list is one page, newest
// first, with a cursor.

// CaseList is one page of cases. Delegated lists, on the first page of the todo scope, the
// cases held by the people the caller stands in for (代理), each marked with whom.
type CaseList struct {
	Items     []CaseSummary   `json:"items"`
	Next      *string         `json:"next"`
	Delegated []DelegatedCase `json:"delegated"`
}

// DelegatedCase is a case held by someone the caller stands in for.
type DelegatedCase struct {
	CaseSummary
	OnBehalfOf UserRef `json:"on_behalf_of"`
}

var caseKinds = []string{string(policy.KindExpense), string(policy.KindProcurement), string(policy.KindReceipt), string(policy.KindSettlement)}

var caseScopes = []store.Scope{store.ScopeTodo, store.ScopeDone, store.ScopeSubmitted, store.ScopeCopied,
	store.ScopeInvolved, store.ScopeAll}

// InboxTabs are the inbox's tabs in the order shown: to do, done, submitted by me, copied to me.
var InboxTabs = []store.Scope{store.ScopeTodo, store.ScopeDone, store.ScopeSubmitted, store.ScopeCopied}

// maxCursor bounds a cursor as a client sends it back.
const maxCursor = 300

// CaseQuery is a list as a client asks for it (the API's query string, the search form), every
// field as typed; "" is the default.
type CaseQuery struct {
	Scope, Status, Kind, Department string
	Overdue                         string // "true" or "false"
	From, To                        string // days (YYYY-MM-DD) in the policy calendar's timezone; To is inclusive
	Limit                           string
	Cursor                          string
}

// Cases lists one page of the cases u asked for. Listing every case (scope all) needs the
// policy's cases.see_all.
func (s *Service) Cases(ctx context.Context, u store.User, q CaseQuery) (CaseList, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return CaseList{}, Internal(fmt.Errorf("list cases: %w", err))
	}
	f, err := caseFilter(q, doc)
	if err != nil {
		return CaseList{}, err
	}
	if f.Scope == store.ScopeAll {
		if err := s.Require(ctx, u, policy.CapCasesSeeAll); err != nil {
			return CaseList{}, err
		}
	}
	f.User = u.ID
	return s.list(ctx, u, f)
}

// Search is a search's answer: whether the reader searched every case, and one page.
type Search struct {
	All  bool // the reader sees every case
	List CaseList
}

// SearchCases runs a search (查询): every case for those the policy lets see them all, the cases
// one was ever on for everyone else, whatever scope q names. All is set even when q is refused.
func (s *Service) SearchCases(ctx context.Context, u store.User, q CaseQuery) (Search, error) {
	all, err := s.May(ctx, u, policy.CapCasesSeeAll)
	if err != nil {
		return Search{}, err
	}
	q.Scope = string(store.ScopeInvolved)
	if all {
		q.Scope = string(store.ScopeAll)
	}
	out := Search{All: all}
	out.List, err = s.Cases(ctx, u, q)
	return out, err
}

// InboxPage is one tab of the inbox and the count of every tab.
type InboxPage struct {
	Counts store.InboxCounts
	List   CaseList
}

// Inbox reads one page of a tab of u's inbox, overdue cases first on the to-do tab, and counts
// every tab up to limit. An unknown tab is ErrNotFound.
func (s *Service) Inbox(ctx context.Context, u store.User, tab store.Scope, cursor string, limit int) (InboxPage, error) {
	if !slices.Contains(InboxTabs, tab) {
		return InboxPage{}, ErrNotFound
	}
	if len(cursor) > maxCursor {
		return InboxPage{}, store.ErrBadCursor
	}
	counts, err := s.InboxCounts(ctx, u, limit)
	if err != nil {
		return InboxPage{}, err
	}
	f := store.Filter{Scope: tab, User: u.ID, Limit: 30, After: cursor, OverdueFirst: tab == store.ScopeTodo}
	list, err := s.list(ctx, u, f)
	if err != nil {
		return InboxPage{}, err
	}
	return InboxPage{Counts: counts, List: list}, nil
}

// InboxCounts counts the cases of each of u's inbox tabs up to limit, so that the cost does not
// grow with years of history: a count above limit means "more than limit".
func (s *Service) InboxCounts(ctx context.Context, u store.User, limit int) (store.InboxCounts, error) {
	c, err := s.store.InboxCounts(ctx, u.ID, limit)
	if err != nil {
		return store.InboxCounts{}, fmt.Errorf("inbox counts: %w", err)
	}
	return c, nil
}

// TodoCount is how many cases wait for u, up to limit: the navigation's badge.
func (s *Service) TodoCount(ctx context.Context, u store.User, limit int) (int, error) {
	n, err := s.store.TodoCount(ctx, u.ID, limit)
	if err != nil {
		return 0, fmt.Errorf("todo count: %w", err)
	}
	return min(n, limit), nil
}

// list reads one page of a list for u. On the first page of the todo scope it adds the cases
// held by those u stands in for: the store's cursor orders one list, and a delegate's extra
// inbox is short.
func (s *Service) list(ctx context.Context, u store.User, f store.Filter) (CaseList, error) {
	page, err := s.store.ListCases(ctx, f)
	if err != nil {
		return CaseList{}, fmt.Errorf("list cases: %w", err)
	}
	var delegated []store.Case
	var heldFor []string
	if f.Scope == store.ScopeTodo && f.After == "" {
		delegators, err := s.store.Delegators(ctx, u.ID, s.now())
		if err != nil {
			return CaseList{}, fmt.Errorf("list cases: %w", err)
		}
		for _, who := range delegators {
			df := f
			df.User = who
			p, err := s.store.ListCases(ctx, df)
			if err != nil {
				return CaseList{}, fmt.Errorf("list cases for %s: %w", who, err)
			}
			for _, c := range p.Items {
				if !slices.ContainsFunc(page.Items, func(x store.Case) bool { return x.ID == c.ID }) {
					delegated = append(delegated, c)
					heldFor = append(heldFor, who)
				}
			}
		}
	}
	var ids []string
	for _, c := range append(slices.Clone(page.Items), delegated...) {
		ids = append(ids, c.SubmitterID)
		ids = append(ids, c.Assignees...)
	}
	names, err := s.names(ctx, append(ids, heldFor...))
	if err != nil {
		return CaseList{}, fmt.Errorf("list cases: %w", err)
	}
	out := CaseList{Items: make([]CaseSummary, 0, len(page.Items)), Delegated: make([]DelegatedCase, 0, len(delegated))}
	for _, c := range page.Items {
		out.Items = append(out.Items, summaryOf(c, names))
	}
	for i, c := range delegated {
		out.Delegated = append(out.Delegated, DelegatedCase{CaseSummary: summaryOf(c, names), OnBehalfOf: names.ref(heldFor[i])})
	}
	if page.Next != "" {
		out.Next = &page.Next
	}
	return out, nil
}

// caseFilter checks a list's query, reporting every bad field at once. Dates are days in the
// policy calendar's timezone; "to" is inclusive.
func caseFilter(q CaseQuery, doc *policy.Document) (store.Filter, error) {
	bad := FieldErrors{}
	f := store.Filter{Scope: store.ScopeTodo, Status: q.Status, Kind: q.Kind, Department: q.Department, After: q.Cursor}
	if q.Scope != "" {
		f.Scope = store.Scope(q.Scope)
		if !slices.Contains(caseScopes, f.Scope) {
			bad.Add("scope", "one_of", caseScopes)
		}
	}
	if f.Status != "" && !slices.Contains(CaseStatuses, f.Status) {
		bad.Add("status", "one_of", CaseStatuses)
	}
	if f.Kind != "" && !slices.Contains(caseKinds, f.Kind) {
		bad.Add("kind", "one_of", caseKinds)
	}
	if f.Department != "" {
		if _, ok := doc.Department(f.Department); !ok {
			bad.Add("department", "unknown_department", f.Department)
		}
	}
	switch q.Overdue {
	case "":
	case "true", "false":
		overdue := q.Overdue == "true"
		f.Overdue = &overdue
	default:
		bad.Add("overdue", "bool")
	}
	loc, err := LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		loc = time.UTC
	}
	day := func(name, v string) *time.Time {
		if v == "" {
			return nil
		}
		t, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			bad.Add(name, "date")
			return nil
		}
		return &t
	}
	f.From = day("from", q.From)
	if to := day("to", q.To); to != nil {
		end := to.AddDate(0, 0, 1)
		f.To = &end
		if f.From != nil && to.Before(*f.From) {
			bad.Add("to", "to_before_from")
		}
	}
	if q.Limit != "" {
		n, err := strconv.Atoi(q.Limit)
		if err != nil || n < 1 || n > 200 {
			bad.Add("limit", "limit")
		}
		f.Limit = n
	}
	if len(f.After) > maxCursor {
		bad.Add("cursor", "cursor")
	}
	return f, bad.Err()
}
