package service

import (
	"context"
	"net/url"
	"time"

	"signoff/policy"
)

// Review results published (审核结果上墙公示): what the reviewers (审核人, the policy's reviewer
// role) approved, returned and rejected in a period, per department of the case, with the
// reasons given for every return and rejection, as the internal audit department publishes them
// for everyone. The figures come from the seals (store.ReviewTallies, store.ReviewRefusals); the
// period is the assessment's (week, month, quarter or custom, in the policy's timezone).

// ReviewDecisions are the decisions the results count, in the order they are shown.
var ReviewDecisions = []string{"approved", "returned", "rejected"}

// ReviewCount is one decision's figures.
type ReviewCount struct {
	Decisions int          `json:"decisions"` // seals
	Cases     int          `json:"cases"`     // distinct cases
	Amount    policy.Money `json:"amount"`    // the cases' amounts
}

// DepartmentReviews is one department's results in the period.
type DepartmentReviews struct {
	Key      string      `json:"key"`
	Name     string      `json:"name"`
	Approved ReviewCount `json:"approved"`
	Returned ReviewCount `json:"returned"`
	Rejected ReviewCount `json:"rejected"`
}

// Count is the figures of one decision (one of ReviewDecisions).
func (d DepartmentReviews) Count(decision string) ReviewCount { return *d.count(decision) }

// count is where one decision's figures are added up.
func (d *DepartmentReviews) count(decision string) *ReviewCount {
	switch decision {
	case "approved":
		return &d.Approved
	case "returned":
		return &d.Returned
	}
	return &d.Rejected
}

// ReviewRefusalView is one return or rejection and its reason.
type ReviewRefusalView struct {
	CaseID     string       `json:"case_id"`
	Department string       `json:"department"` // the name
	Amount     policy.Money `json:"amount"`
	Currency   string       `json:"currency"`
	Decision   string       `json:"decision"`
	Reason     string       `json:"reason"`
	Reviewer   string       `json:"reviewer"` // the name
	At         time.Time    `json:"at"`
}

// ReviewResults is the published results of one period.
type ReviewResults struct {
	From        time.Time           `json:"from"`
	To          time.Time           `json:"to"` // exclusive
	Departments []DepartmentReviews `json:"departments"`
	Total       DepartmentReviews   `json:"total"`
	Refusals    []ReviewRefusalView `json:"refusals"`
}

// ReviewResults reads the results of the period a query asks for (period, at, from, to as the
// assessment reads them).
func (s *Service) ReviewResults(ctx context.Context, q url.Values) (ReviewResults, error) {
	doc, p, _, err := s.queryPeriod(ctx, q)
	if err != nil {
		return ReviewResults{}, err
	}
	tallies, err := s.store.ReviewTallies(ctx, string(policy.RoleReviewer), p.From, p.To)
	if err != nil {
		return ReviewResults{}, Internal(err)
	}
	refusals, err := s.store.ReviewRefusals(ctx, string(policy.RoleReviewer), p.From, p.To)
	if err != nil {
		return ReviewResults{}, Internal(err)
	}
	deptName := func(id string) string {
		if d, ok := doc.Department(id); ok {
			return d.Name
		}
		return id
	}
	out := ReviewResults{From: p.From, To: p.To, Departments: []DepartmentReviews{}, Refusals: []ReviewRefusalView{}}
	for _, t := range tallies { // ordered by department
		if n := len(out.Departments); n == 0 || out.Departments[n-1].Key != t.DepartmentID {
			out.Departments = append(out.Departments, DepartmentReviews{Key: t.DepartmentID, Name: deptName(t.DepartmentID)})
		}
		for _, c := range []*ReviewCount{out.Departments[len(out.Departments)-1].count(t.Decision), out.Total.count(t.Decision)} {
			c.Decisions += t.Decisions
			c.Cases += t.Cases
			c.Amount += policy.Money(t.Amount)
		}
	}
	for _, r := range refusals {
		out.Refusals = append(out.Refusals, ReviewRefusalView{CaseID: r.CaseID, Department: deptName(r.DepartmentID),
			Amount: policy.Money(r.Amount), Currency: r.Currency, Decision: r.Decision, Reason: r.Comment,
			Reviewer: UserName(doc, r.ActorID), At: r.At})
	}
	return out, nil
}
