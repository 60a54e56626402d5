package service

import (
	"context"
	"fmt"
	"time"

	"signoff/policy"
	"signoff/store"
)

// Permissions beyond signing a chain step (see every case, receive goods, register invoices, keep
// suppliers or the registry, coordinate production problems) are policy data: the latest policy
// grants each policy.Capability to roles and registry posts, and policy.Document.Allows decides.
// This file only gathers who the person is on a day (their roles and the posts the registry gives
// them) and turns a refusal into the one error both doors show. No operation checks a role name.

// Refused is the error for a person who lacks a capability: 403 with the stable code
// "capability_required", naming the capability so that an administrator can grant it.
func Refused(c policy.Capability) error {
	return &Error{Kind: KindForbidden, Code: CodeCapabilityRequired,
		Message: fmt.Sprintf("This needs the %q capability, which the policy grants neither to your roles nor to a post you hold today.", c),
		Details: map[string]any{"capability": string(c)}}
}

// CodeCapabilityRequired is the code of every refusal for a missing capability.
const CodeCapabilityRequired = "capability_required"

// Subject is a person as the policy's permissions see them on a day: their organisation roles and
// the registry posts they hold that day.
func Subject(u store.User, posts []store.Post) policy.Subject {
	s := policy.Subject{Roles: make([]policy.Role, 0, len(u.Roles)), Posts: make([]policy.Post, 0, len(posts))}
	for _, r := range u.Roles {
		s.Roles = append(s.Roles, policy.Role(r))
	}
	for _, p := range posts {
		s.Posts = append(s.Posts, policy.Post(p.Post))
	}
	return s
}

// Grants is what one person may do on one day under one policy: the capabilities, asked once
// per request and then consulted as often as a page needs.
type Grants struct {
	doc     *policy.Document
	subject policy.Subject
	Posts   []store.Post // the registry posts held that day, for rules that need the department
}

// Has reports whether the grants include the capability.
func (g Grants) Has(c policy.Capability) bool { return g.doc.Allows(g.subject, c) }

// Require is nil when the grants include the capability, else Refused(c).
func (g Grants) Require(c policy.Capability) error {
	if g.Has(c) {
		return nil
	}
	return Refused(c)
}

// List is every capability held, in policy order: what a page shows links and forms for.
func (g Grants) List() []policy.Capability { return g.doc.CapabilitiesOf(g.subject) }

// GrantsOn reads what u may do on a day under the latest policy.
func (s *Service) GrantsOn(ctx context.Context, u store.User, day time.Time) (Grants, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return Grants{}, Internal(fmt.Errorf("policy: %w", err))
	}
	return s.grantsUnder(ctx, doc, u, day)
}

// GrantsToday reads what u may do today (in the policy's timezone) under the latest policy.
func (s *Service) GrantsToday(ctx context.Context, u store.User) (Grants, error) {
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return Grants{}, Internal(fmt.Errorf("policy: %w", err))
	}
	day, err := s.Today(doc)
	if err != nil {
		return Grants{}, err
	}
	return s.grantsUnder(ctx, doc, u, day)
}

func (s *Service) grantsUnder(ctx context.Context, doc *policy.Document, u store.User, day time.Time) (Grants, error) {
	posts, err := s.store.PostsOf(ctx, u.ID, day)
	if err != nil {
		return Grants{}, Internal(fmt.Errorf("grants of %s: %w", u.ID, err))
	}
	return Grants{doc: doc, subject: Subject(u, posts), Posts: posts}, nil
}

// May reports whether u holds the capability today.
func (s *Service) May(ctx context.Context, u store.User, c policy.Capability) (bool, error) {
	g, err := s.GrantsToday(ctx, u)
	if err != nil {
		return false, err
	}
	return g.Has(c), nil
}

// Require is nil when u holds the capability today, else Refused(c) (or the error reading it).
func (s *Service) Require(ctx context.Context, u store.User, c policy.Capability) error {
	g, err := s.GrantsToday(ctx, u)
	if err != nil {
		return err
	}
	return g.Require(c)
}
