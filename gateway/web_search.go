package gateway

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"signoff/service"

	"signoff/policy"
	"signoff/store"
)

// The search page (查询): every case for those the policy lets see them all (cases.see_all), the
// cases one was ever on for everyone else, narrowed by status, department, overdue and
// submission dates. It reads the same filters as the API's list from the query string, so a
// search is a link.

type searchPage struct {
	Filter      searchFilter
	List        caseList
	Errors      map[string]string
	All         bool // the reader sees every case
	Statuses    []string
	Departments []departmentOption
	NextURL     string
	Searched    bool
}

type searchFilter struct {
	Status, Department, Overdue, From, To string
}

type departmentOption struct{ ID, Name string }

// searchCasesPage runs a search from the query string and shows the form and its results.
func (s *server) searchCasesPage(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	p := s.newPage(r, "ui.search.title")
	if p.doc == nil {
		s.errorPage(w, r, service.Internal(fmt.Errorf("search: no policy")))
		return
	}
	all, err := s.svc.May(r.Context(), u, policy.CapCasesSeeAll)
	if err != nil {
		s.errorPage(w, r, fmt.Errorf("search: %w", err))
		return
	}
	q := r.URL.Query()
	sp := &searchPage{All: all, Statuses: caseStatuses, Searched: len(q) > 0,
		Filter: searchFilter{Status: q.Get("status"), Department: q.Get("department"), Overdue: q.Get("overdue"),
			From: q.Get("from"), To: q.Get("to")}}
	for _, d := range p.doc.Departments {
		sp.Departments = append(sp.Departments, departmentOption{ID: d.ID, Name: d.Name})
	}
	// The scope is the reader's, whatever the link says.
	q.Set("scope", string(store.ScopeInvolved))
	if sp.All {
		q.Set("scope", string(store.ScopeAll))
	}
	q.Set("limit", "30")
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = q.Encode()
	status := http.StatusOK
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	f, err := parseFilter(r2, p.doc)
	if err == nil {
		f.User = u.ID
		sp.List, err = s.list(ctx, u, f)
	}
	if err != nil {
		e := s.explain(r, p.Lang, err)
		if e.Status >= 500 {
			s.errorPage(w, r, fmt.Errorf("search: %w", err))
			return
		}
		sp.Errors, status = e.Fields, e.Status
	}
	if sp.List.Next != nil {
		next := url.Values{}
		for k, v := range r.URL.Query() {
			if k != "cursor" {
				next[k] = v
			}
		}
		next.Set("cursor", *sp.List.Next)
		sp.NextURL = "/cases?" + next.Encode()
	}
	p.Data = sp
	s.render(w, r, status, "search", p)
}
