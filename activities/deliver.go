package activities

import (
	"context"
	"errors"
	"fmt"

	"signoff/store"
)

// DeliverInput names the case whose pending notifications to send.
type DeliverInput struct {
	CaseID string `json:"case_id"`
}

// DeliverResult counts what was sent.
type DeliverResult struct {
	Sent int `json:"sent"`
}

// Deliver sends a case's pending notifications. Each is marked sent by its key as soon as it
// goes out, so a retry sends only the rest; a failure is recorded and retried by Temporal.
func (a *Activities) Deliver(ctx context.Context, in DeliverInput) (DeliverResult, error) {
	pending, err := a.store.PendingNotifications(ctx, in.CaseID)
	if err != nil {
		return DeliverResult{}, fmt.Errorf("deliver: %w", err)
	}
	var res DeliverResult
	var failed []error
	for _, n := range pending {
		err := a.send(ctx, n)
		errText := ""
		if err != nil {
			errText = err.Error()
			failed = append(failed, fmt.Errorf("%s: %w", n.Key, err))
		}
		if err := a.store.MarkNotification(ctx, n.Key, errText); err != nil {
			return res, fmt.Errorf("deliver: %w", err)
		}
		if errText == "" {
			res.Sent++
		}
	}
	if len(failed) > 0 {
		return res, fmt.Errorf("deliver: %w", errors.Join(failed...))
	}
	return res, nil
}

func (a *Activities) send(ctx context.Context, n store.Notification) error {
	switch n.Channel {
	case "inbox":
		return nil // the outbox row is the in-app notification
	case "email":
		u, err := a.store.UserByID(ctx, n.Recipient)
		if err != nil {
			return err
		}
		return a.channels.Email.Send(ctx, n.Key, u.Email, n.Subject, n.Body)
	case "webhook":
		return a.channels.Webhook.Send(ctx, n.Key, n.Subject+"\n"+n.Body)
	}
	return fmt.Errorf("unknown channel %q", n.Channel)
}
