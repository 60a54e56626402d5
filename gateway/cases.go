package gateway

import (
	"context"
	"fmt"
	"net/http"
	"signoff/service"
	"slices"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
)

// getCase answers the case page.
func (s *server) getCase(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	v, err := s.visibleCase(ctx, u, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, fmt.Errorf("get case: %w", err))
		return
	}
	d, err := s.detail(ctx, u, v)
	if err != nil {
		s.fail(w, r, fmt.Errorf("get case %s: %w", v.Case.ID, err))
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// caseList is one page of cases. Delegated lists, on the first page of the todo scope, the
// cases held by the people the caller stands in for (代理), each marked with whom.
type caseList struct {
	Items     []caseSummary   `json:"items"`
	Next      *string         `json:"next"`
	Delegated []delegatedCase `json:"delegated"`
}

type delegatedCase struct {
	caseSummary
	OnBehalfOf userRef `json:"on_behalf_of"`
}

// caseStatuses are the statuses a list may be filtered by.
var caseStatuses = []string{statusSubmitted, string(chain.StatusInProgress), string(chain.StatusReturned),
	string(chain.StatusAwaitingPayment), string(chain.StatusPaid), string(chain.StatusRejected),
	string(chain.StatusWithdrawn), string(chain.StatusApproved)}

var caseKinds = []string{string(policy.KindExpense), string(policy.KindProcurement), string(policy.KindReceipt), string(policy.KindSettlement)}

var caseScopes = []store.Scope{store.ScopeTodo, store.ScopeDone, store.ScopeSubmitted, store.ScopeCopied,
	store.ScopeInvolved, store.ScopeAll}

// listCases serves the inbox (todo), my submissions, what I was on, and search (all, for the
// finance roles), newest first with a cursor.
func (s *server) listCases(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		s.fail(w, r, service.Internal(fmt.Errorf("list cases: %w", err)))
		return
	}
	f, err := parseFilter(r, doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f.Scope == store.ScopeAll {
		if err := s.svc.Require(ctx, u, policy.CapCasesSeeAll); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	f.User = u.ID
	out, err := s.list(ctx, u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// list reads one page of a list for u. On the first page of the todo scope it adds the cases
// held by those u stands in for: the store's cursor orders one list, and a delegate's extra
// inbox is short. The API and the web inbox both list through it.
func (s *server) list(ctx context.Context, u store.User, f store.Filter) (caseList, error) {
	page, err := s.store.ListCases(ctx, f)
	if err != nil {
		return caseList{}, fmt.Errorf("list cases: %w", err)
	}
	var delegated []store.Case
	var heldFor []string
	if f.Scope == store.ScopeTodo && f.After == "" {
		delegators, err := s.store.Delegators(ctx, u.ID, s.now())
		if err != nil {
			return caseList{}, fmt.Errorf("list cases: %w", err)
		}
		for _, who := range delegators {
			df := f
			df.User = who
			p, err := s.store.ListCases(ctx, df)
			if err != nil {
				return caseList{}, fmt.Errorf("list cases for %s: %w", who, err)
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
		return caseList{}, fmt.Errorf("list cases: %w", err)
	}
	out := caseList{Items: make([]caseSummary, 0, len(page.Items)), Delegated: make([]delegatedCase, 0, len(delegated))}
	for _, c := range page.Items {
		out.Items = append(out.Items, summaryOf(c, names))
	}
	for i, c := range delegated {
		out.Delegated = append(out.Delegated, delegatedCase{caseSummary: summaryOf(c, names), OnBehalfOf: names.ref(heldFor[i])})
	}
	if page.Next != "" {
		out.Next = &page.Next
	}
	return out, nil
}

// inboxCountsResponse is the size of each inbox tab; a count above limit means "more than limit".
type inboxCountsResponse struct {
	Todo        int `json:"todo"`
	TodoOverdue int `json:"todo_overdue"`
	Done        int `json:"done"`
	Submitted   int `json:"submitted"`
	Copied      int `json:"copied"`
	Limit       int `json:"limit"`
}

// inboxCounts answers how many cases each inbox tab holds, counted up to a limit so that the
// cost does not grow with years of history.
func (s *server) inboxCounts(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	c, err := s.store.InboxCounts(ctx, userFrom(r.Context()).ID, countCap)
	if err != nil {
		s.fail(w, r, fmt.Errorf("inbox counts: %w", err))
		return
	}
	writeJSON(w, http.StatusOK, inboxCountsResponse{Todo: c.Todo, TodoOverdue: c.TodoOverdue, Done: c.Done,
		Submitted: c.Submitted, Copied: c.Copied, Limit: countCap})
}

// parseFilter reads a list's query parameters, reporting every bad one at once. Dates are days
// in the policy calendar's timezone; "to" is inclusive.
func parseFilter(r *http.Request, doc *policy.Document) (store.Filter, error) {
	q := r.URL.Query()
	bad := service.FieldErrors{}
	f := store.Filter{Scope: store.ScopeTodo, Status: q.Get("status"), Kind: q.Get("kind"),
		Department: q.Get("department"), After: q.Get("cursor")}
	if v := q.Get("scope"); v != "" {
		f.Scope = store.Scope(v)
		if !slices.Contains(caseScopes, f.Scope) {
			bad.Add("scope", "one_of", caseScopes)
		}
	}
	if f.Status != "" && !slices.Contains(caseStatuses, f.Status) {
		bad.Add("status", "one_of", caseStatuses)
	}
	if f.Kind != "" && !slices.Contains(caseKinds, f.Kind) {
		bad.Add("kind", "one_of", caseKinds)
	}
	if f.Department != "" {
		if _, ok := doc.Department(f.Department); !ok {
			bad.Add("department", "unknown_department", f.Department)
		}
	}
	switch v := q.Get("overdue"); v {
	case "":
	case "true", "false":
		overdue := v == "true"
		f.Overdue = &overdue
	default:
		bad.Add("overdue", "bool")
	}
	loc, err := time.LoadLocation(doc.Calendar.Timezone)
	if err != nil {
		loc = time.UTC
	}
	day := func(name string) *time.Time {
		v := q.Get(name)
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
	f.From = day("from")
	if to := day("to"); to != nil {
		end := to.AddDate(0, 0, 1)
		f.To = &end
		if f.From != nil && to.Before(*f.From) {
			bad.Add("to", "to_before_from")
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			bad.Add("limit", "limit")
		}
		f.Limit = n
	}
	if len(f.After) > 300 {
		bad.Add("cursor", "cursor")
	}
	return f, bad.Err()
}
