package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"signoff/chain"
	"signoff/policy"
	"signoff/store"
)

// Return tasks (退换货): the goods a keeper refused, which a buyer settles with the supplier by
// returning, exchanging or crediting them. Who may settle one is the policy's capability
// orders.resolve_returns.

// ReturnResolutions are the ways a return may be settled.
var ReturnResolutions = []string{"returned", "exchanged", "credited"}

// CodeAlreadyDone refuses settling a return task a second time.
const CodeAlreadyDone = "already_done"

// ReturnResolution is how a buyer settled refused goods with the supplier.
type ReturnResolution struct {
	Resolution string `json:"resolution"` // one of ReturnResolutions
	Comment    string `json:"comment"`
}

// ResolveReturn closes the return task id (its number, as a path names it) for u.
func (s *Service) ResolveReturn(ctx context.Context, u store.User, id string, in ReturnResolution) (store.ReturnTask, error) {
	if err := s.Require(ctx, u, policy.CapOrdersResolveReturns); err != nil {
		return store.ReturnTask{}, err
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return store.ReturnTask{}, ErrNotFound
	}
	return s.resolveReturn(ctx, u, n, in)
}

// ResolveOrderReturn closes a return task of an order u may see, as the order's page does.
// A task of another order is ErrNotFound.
func (s *Service) ResolveOrderReturn(ctx context.Context, u store.User, orderID, taskID string, in ReturnResolution) (store.ReturnTask, error) {
	g, err := s.GrantsToday(ctx, u)
	if err != nil {
		return store.ReturnTask{}, err
	}
	o, err := s.orderSeenWith(ctx, u, g, orderID)
	if err != nil {
		return store.ReturnTask{}, fmt.Errorf("resolve return: %w", err)
	}
	if err := g.Require(policy.CapOrdersResolveReturns); err != nil {
		return store.ReturnTask{}, err
	}
	n, _ := strconv.ParseInt(taskID, 10, 64)
	tasks, err := s.store.ReturnTasks(ctx, o.ID)
	if err != nil {
		return store.ReturnTask{}, fmt.Errorf("resolve return: %w", err)
	}
	if !slices.ContainsFunc(tasks, func(t store.ReturnTask) bool { return t.ID == n }) {
		return store.ReturnTask{}, ErrNotFound
	}
	return s.resolveReturn(ctx, u, n, in)
}

func (s *Service) resolveReturn(ctx context.Context, u store.User, n int64, in ReturnResolution) (store.ReturnTask, error) {
	text, bad := checkResolution(in)
	if err := bad.Err(); err != nil {
		return store.ReturnTask{}, err
	}
	t, err := s.store.ResolveReturnTask(ctx, n, u.ID, text)
	if errors.Is(err, store.ErrConflict) {
		return store.ReturnTask{}, &Error{Kind: KindConflict, Code: CodeAlreadyDone,
			Message: fmt.Sprintf("Return task %d is already settled.", n)}
	}
	return t, err
}

// checkResolution checks a resolution and says it as the task keeps it: "exchanged: 供应商换货".
func checkResolution(in ReturnResolution) (string, FieldErrors) {
	bad := FieldErrors{}
	res := strings.TrimSpace(in.Resolution)
	if !slices.Contains(ReturnResolutions, res) {
		bad.Add("resolution", "one_of", ReturnResolutions)
	}
	checkPlain(bad, "comment", in.Comment)
	if utf8.RuneCountInString(in.Comment) > chain.MaxCommentLen {
		bad.Add("comment", "too_long", chain.MaxCommentLen)
	}
	text := res
	if c := strings.TrimSpace(in.Comment); c != "" {
		text += ": " + c
	}
	return text, bad
}

// ReturnDemands are the fields of a resolution its check demands: what the resolve form marks
// required.
var ReturnDemands = sync.OnceValue(func() Demands {
	return demandsOf([]string{"resolution", "comment"}, func(field string) FieldErrors {
		in := ReturnResolution{Resolution: ReturnResolutions[0], Comment: "换货"}
		switch field {
		case "resolution":
			in.Resolution = ""
		case "comment":
			in.Comment = ""
		}
		_, bad := checkResolution(in)
		return bad
	})
})
