package web

import (
	"context"
	"net/http"
	"net/url"

	"signoff/gateway/door"
	"signoff/service"
)

// The search page (查询): every case for those the policy lets see them all (cases.see_all), the
// cases one was ever on for everyone else, narrowed by status, department, overdue and
// submission dates. It reads the same filters as the API's list from the query string, so a
// search is a link.

type searchPage struct {
	Filter      searchFilter
	List        service.CaseList
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

// searchPageSize is how many cases a page of results shows.
const searchPageSize = "30"

// searchCasesPage runs a search from the query string and shows the form and its results.
func (s *server) searchCasesPage(w http.ResponseWriter, r *http.Request) {
	u := door.User(r.Context())
	p := s.newPage(r, "ui.search.title")
	q := r.URL.Query()
	sp := &searchPage{Statuses: service.CaseStatuses, Searched: len(q) > 0,
		Filter: searchFilter{Status: q.Get("status"), Department: q.Get("department"), Overdue: q.Get("overdue"),
			From: q.Get("from"), To: q.Get("to")}}
	if p.doc != nil {
		for _, d := range p.doc.Departments {
			sp.Departments = append(sp.Departments, departmentOption{ID: d.ID, Name: d.Name})
		}
	}
	query := door.CaseQuery(q)
	query.Limit = searchPageSize
	ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
	defer cancel()
	status := http.StatusOK
	found, err := s.svc.SearchCases(ctx, u, query)
	sp.All, sp.List = found.All, found.List
	if err != nil {
		e := s.explain(r, p.Lang, err)
		if e.Status >= 500 {
			s.errorPage(w, r, err)
			return
		}
		sp.Errors, status = e.Fields, e.Status
	}
	if sp.List.Next != nil {
		next := url.Values{}
		for k, v := range q {
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
