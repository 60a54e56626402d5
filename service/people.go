package service

import (
	"context"
	"fmt"
	"slices"

	"signoff/policy"
	"signoff/store"
)

// UserRef names a person: the ID machines use and the name people read.
type UserRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// nameBook resolves user IDs to names for one answer.
type nameBook map[string]store.User

// names looks up every named user in one query.
func (s *Service) names(ctx context.Context, ids []string) (nameBook, error) {
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

func (b nameBook) ref(id string) UserRef {
	if u, ok := b[id]; ok && u.Name != "" {
		return UserRef{ID: id, Name: u.Name}
	}
	return UserRef{ID: id, Name: id} // "system", or a user since removed
}

func (b nameBook) optRef(id string) *UserRef {
	if id == "" {
		return nil
	}
	r := b.ref(id)
	return &r
}

func (b nameBook) refs(ids []string) []UserRef {
	out := make([]UserRef, 0, len(ids))
	for _, id := range ids {
		out = append(out, b.ref(id))
	}
	return out
}

// UserName names a user of a policy document (which may be nil), or shows their ID.
func UserName(doc *policy.Document, id string) string {
	if pu, ok := PolicyUser(doc, id); ok {
		return pu.Name
	}
	return id
}

// PolicyUser finds a user in a policy document, which may be nil.
func PolicyUser(doc *policy.Document, id string) (policy.User, bool) {
	if doc == nil {
		return policy.User{}, false
	}
	return doc.User(id)
}
