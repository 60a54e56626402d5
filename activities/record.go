package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"signoff/chain"
	"signoff/notify"
	"signoff/store"
)

// RecordInput is one accepted action's result: the new state and what it produced.
type RecordInput struct {
	State   *chain.State  `json:"state"`
	Outcome chain.Outcome `json:"outcome"`
	Title   string        `json:"title"`
}

// RecordResult says whether notifications wait for delivery beyond the in-app inbox.
type RecordResult struct {
	ToDeliver int `json:"to_deliver"`
}

// ErrTypeOverBudget marks an edit whose new amount the budget line cannot cover.
const ErrTypeOverBudget = "over_budget"

// ErrTypeAttachment marks an edit naming an upload that cannot be linked to the case any more.
const ErrTypeAttachment = "attachment_unavailable"

// Record writes the seals, the case snapshot, the budget movement and the notifications of one
// outcome in one transaction. It runs before an action returns to its caller, so every list
// and the case page already show the action (read-your-writes). Idempotent by (case, seq).
func (a *Activities) Record(ctx context.Context, in RecordInput) (RecordResult, error) {
	notes, err := a.compose(ctx, in)
	if err != nil {
		return RecordResult{}, err
	}
	var res RecordResult
	for _, n := range notes {
		if n.Channel != "inbox" {
			res.ToDeliver++
		}
	}
	err = a.store.RecordOutcome(ctx, store.Record{State: in.State, Outcome: in.Outcome, Notifications: notes})
	var over *store.OverBudgetError
	var attach *store.AttachmentError
	switch {
	case errors.As(err, &over):
		return RecordResult{}, temporal.NewNonRetryableApplicationError(over.Error(), ErrTypeOverBudget, err, over)
	case errors.As(err, &attach):
		return RecordResult{}, temporal.NewNonRetryableApplicationError(attach.Error(), ErrTypeAttachment, err, attach)
	case err != nil && isNotFound(err):
		return RecordResult{}, temporal.NewNonRetryableApplicationError(err.Error(), "not_found", err)
	case err != nil:
		return RecordResult{}, err
	}
	return res, nil
}

// compose turns the outcome's notices into outbox messages, one per recipient and channel.
// Names come from the case's policy version (cached), so composing costs no query.
func (a *Activities) compose(ctx context.Context, in RecordInput) ([]store.Notification, error) {
	if len(in.Outcome.Notices) == 0 {
		return nil, nil
	}
	doc, err := a.policies.Version(ctx, in.State.PolicyVersion)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	seq := in.State.Seq
	c := notify.Case{ID: in.State.CaseID, Title: in.Title, Link: a.channels.PublicURL + "/cases/" + in.State.CaseID}
	var out []store.Notification
	for _, n := range in.Outcome.Notices {
		for _, r := range n.Recipients {
			u, ok := doc.User(r)
			if !ok {
				continue
			}
			subject, body := notify.Compose(textLang, n.Kind, c, u.Name)
			for _, ch := range a.channelNames() {
				out = append(out, store.Notification{
					Key:    fmt.Sprintf("%s/%d/%s/%s/%s", c.ID, seq, n.Kind, r, ch),
					CaseID: c.ID, Kind: n.Kind, Recipient: r, Channel: ch, Subject: subject, Body: body,
				})
			}
		}
	}
	return out, nil
}

// channelNames lists the channels a notice goes out on: always the in-app inbox.
func (a *Activities) channelNames() []string {
	ch := []string{"inbox"}
	if a.channels.Email.Enabled() {
		ch = append(ch, "email")
	}
	if a.channels.Webhook.Enabled() {
		ch = append(ch, "webhook")
	}
	return ch
}
