package gateway

import (
	"context"
	"fmt"
	"slices"

	"signoff/policy"
	"signoff/service"
	"signoff/store"
)

// The JSON shapes of cases are the service's (service/cases.go). The names below the case page
// are kept for the handlers of other domains (purchases, the session) that
// still call them; each goes once they ask the service instead.

// userRef names a person (the service's UserRef).
type userRef = service.UserRef

type (
	caseSummary = service.CaseSummary
	bandView    = service.BandView
)

// caseDetail is the case page as the API answers it (with a purchase request's procurement
// part).
type caseDetail = service.CaseDetail

// detail builds the case page of a case view u may see.
func (s *server) detail(ctx context.Context, u store.User, v store.CaseView) (caseDetail, error) {
	return s.svc.CaseDetailOf(ctx, u, v)
}

func bandViewOf(b *policy.BandChoice) *bandView { return service.BandViewOf(b) }

func summaryOf(c store.Case, names nameBook) caseSummary { return service.SummaryOf(c, names) }

// visibleCase is the service's VisibleCase, for the handlers of other domains that still call it.
func (s *server) visibleCase(ctx context.Context, u store.User, id string) (store.CaseView, error) {
	return s.svc.VisibleCase(ctx, u, id)
}

// nameBook resolves user IDs to names for one response (the service has its own).
type nameBook map[string]store.User

// names looks up every named user in one query.
func (s *server) names(ctx context.Context, ids []string) (nameBook, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nameBook{}, nil
	}
	users, err := s.store.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("names: %w", err)
	}
	return nameBook(users), nil
}

func (b nameBook) ref(id string) userRef {
	if u, ok := b[id]; ok && u.Name != "" {
		return userRef{ID: id, Name: u.Name}
	}
	return userRef{ID: id, Name: id} // "system", or a user since removed
}

func (b nameBook) refs(ids []string) []userRef {
	out := make([]userRef, 0, len(ids))
	for _, id := range ids {
		out = append(out, b.ref(id))
	}
	return out
}
