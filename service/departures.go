package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
)

// A person who leaves is deactivated (users.manage) and their open steps are re-routed by the
// rules, never left stuck: each case whose current step they hold is sent a system transfer
// (chain/system.go) to the replacement the transfer rule allows, the person's superior first
// when the superior holds the step's authority (the escalation the policy names), else the first
// of the step's other eligible holders. A step nobody active may take is listed in the result for
// the admin, by case and with the reason, never skipped silently.

// Departure is what DeactivateUser did: the cases re-routed and those left for the admin.
type Departure struct {
	User       UserRef     `json:"user"`
	Rerouted   []Reroute   `json:"rerouted"`
	NeedsAdmin []StuckCase `json:"needs_admin"`
	Covered    []Covered   `json:"covered"`
	Reason     string      `json:"reason"`
}

// Reroute is one case whose step passed from the departed person to To.
type Reroute struct {
	CaseID string  `json:"case_id"`
	Step   string  `json:"step"`
	To     UserRef `json:"to"`
}

// Covered is an open case whose step the departed person held with others, any one of whom
// completes it (mode any_of): nothing is transferred, the others still hold it.
type Covered struct {
	CaseID string    `json:"case_id"`
	Step   string    `json:"step"`
	By     []UserRef `json:"by"`
}

// StuckCase is an open case of the departed person the system could not re-route, and why.
type StuckCase struct {
	CaseID string `json:"case_id"`
	Step   string `json:"step,omitempty"`
	Error  string `json:"error"`
}

// DeactivateUser marks userID as having left for reason: they can no longer sign in, their
// sessions and delegations end, and every open step they hold is re-routed by a system transfer.
// admin must hold users.manage and may not deactivate themselves. Deactivating someone already
// departed re-routes what they still hold (a repeat after a failure part way).
func (s *Service) DeactivateUser(ctx context.Context, admin store.User, userID, reason string) (Departure, error) {
	if err := s.Require(ctx, admin, policy.CapUsersManage); err != nil {
		return Departure{}, err
	}
	userID, reason = strings.TrimSpace(userID), strings.TrimSpace(reason)
	bad := FieldErrors{}
	switch {
	case reason == "":
		bad.Add("reason", "required")
	case utf8.RuneCountInString(reason) > MaxShortText:
		bad.Add("reason", "too_long", MaxShortText)
	}
	checkPlain(bad, "reason", reason)
	if userID == admin.ID {
		bad.Add("user", "not_yourself")
	}
	if err := bad.Err(); err != nil {
		return Departure{}, err
	}
	_, doc, err := s.policies.Latest(ctx)
	if err != nil {
		return Departure{}, Internal(err)
	}
	err = s.store.Deactivate(ctx, store.Departure{UserID: userID, At: s.now(), ByID: admin.ID, Reason: reason})
	if errors.Is(err, store.ErrNotFound) {
		return Departure{}, ErrNotFound
	} else if err != nil {
		return Departure{}, Internal(err)
	}
	out := Departure{User: UserRef{ID: userID, Name: UserName(doc, userID)}, Reason: reason,
		Rerouted: []Reroute{}, NeedsAdmin: []StuckCase{}, Covered: []Covered{}}
	ids, err := s.store.CasesHeldBy(ctx, userID)
	if err != nil {
		return out, Internal(err)
	}
	why := fmt.Sprintf("transferred by the system because %s left: %s", out.User.Name, reason)
	for _, id := range ids {
		r, cov, err := s.reroute(ctx, doc, id, userID, why)
		switch {
		case cov != nil:
			out.Covered = append(out.Covered, *cov)
			continue
		case err != nil:
			s.log.WarnContext(ctx, "step of a departed person not re-routed", "case", id, "user", userID, "error", err)
			out.NeedsAdmin = append(out.NeedsAdmin, StuckCase{CaseID: id, Step: r.Step, Error: err.Error()})
			continue
		}
		out.Rerouted = append(out.Rerouted, r)
	}
	return out, nil
}

// reroute sends case id's workflow the system transfer of departed's part of its current step to
// the replacement the rules choose (replacement). When nobody may take it but the step is one
// any of its holders completes and another active holder remains, nothing is sent: the case is
// covered.
func (s *Service) reroute(ctx context.Context, doc *policy.Document, id, departed, why string) (Reroute, *Covered, error) {
	c, err := s.store.Case(ctx, id)
	if err != nil {
		return Reroute{}, nil, fmt.Errorf("read case: %w", err)
	}
	if c.State == nil || c.State.CurrentStep() == nil {
		return Reroute{}, nil, errors.New("the case has no open step")
	}
	st := c.State.CurrentStep()
	r := Reroute{CaseID: id, Step: st.Key}
	to, err := s.replacement(ctx, doc, c.State, departed)
	if err != nil {
		if cov, cerr := s.covered(ctx, doc, id, st, departed); cerr != nil || cov != nil {
			return r, cov, errors.Join(err, cerr)
		}
		return r, nil, err
	}
	a := chain.Action{Type: chain.ActTransfer, Actor: chain.SystemActor, OnBehalfOf: departed,
		Revision: c.Revision, Comment: why, Target: to}
	// Keyed by the case's revision: a repeated deactivation resends the same Update, never a second.
	key := fmt.Sprintf("departure/%s/%d", departed, c.Revision)
	if err := s.update(ctx, id, a, key); err != nil {
		return r, nil, fmt.Errorf("transfer to %s: %w", to, err)
	}
	r.To = UserRef{ID: to, Name: UserName(doc, to)}
	return r, nil, nil
}

// covered reports the other active holders of an any_of step st, or nil when the step needs
// departed (another mode, or nobody else active on it).
func (s *Service) covered(ctx context.Context, doc *policy.Document, id string, st *chain.Step, departed string) (*Covered, error) {
	if st.Mode != policy.ModeAnyOf {
		return nil, nil
	}
	others := slices.DeleteFunc(slices.Clone(st.Assignees), func(u string) bool { return u == departed })
	active, err := s.store.ActiveAmong(ctx, others)
	if err != nil {
		return nil, err
	}
	cov := &Covered{CaseID: id, Step: st.Key}
	for _, u := range others {
		if active[u] {
			cov.By = append(cov.By, UserRef{ID: u, Name: UserName(doc, u)})
		}
	}
	if len(cov.By) == 0 {
		return nil, nil
	}
	return cov, nil
}

// replacement chooses who takes departed's part of the current step: among those the transfer
// rule accepts (chain.State.TransferTargets) and who are still active, the departed person's
// superior if eligible, else the first by ID. Nobody eligible is an error naming the step.
func (s *Service) replacement(ctx context.Context, doc *policy.Document, st *chain.State, departed string) (string, error) {
	targets := st.TransferTargets(departed)
	active, err := s.store.ActiveAmong(ctx, targets)
	if err != nil {
		return "", err
	}
	targets = slices.DeleteFunc(targets, func(id string) bool { return !active[id] })
	if len(targets) == 0 {
		return "", fmt.Errorf("nobody active holds the authority of step %q for this case: an admin must re-route it",
			st.CurrentStep().Label)
	}
	if sup := doc.Superior(departed); slices.Contains(targets, sup) {
		return sup, nil
	}
	return targets[0], nil
}

// ReactivateUser brings back someone who was deactivated (users.manage). Steps re-routed when
// they left stay with whoever took them.
func (s *Service) ReactivateUser(ctx context.Context, admin store.User, userID string) error {
	if err := s.Require(ctx, admin, policy.CapUsersManage); err != nil {
		return err
	}
	err := s.store.Reactivate(ctx, strings.TrimSpace(userID))
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	} else if err != nil {
		return Internal(err)
	}
	return nil
}

// People lists everyone the organisation has known, active or not (users.manage): the admin's
// people page.
func (s *Service) People(ctx context.Context, admin store.User) ([]store.UserDirectory, error) {
	if err := s.Require(ctx, admin, policy.CapUsersManage); err != nil {
		return nil, err
	}
	out, err := s.store.Directory(ctx)
	if err != nil {
		return nil, Internal(err)
	}
	return out, nil
}
