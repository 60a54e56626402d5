package store

import (
	"context"
	"fmt"
	"time"
)

// PendingNotifications returns a case's unsent notifications.
func (s *Store) PendingNotifications(ctx context.Context, caseID string) ([]Notification, error) {
	const q = `SELECT key, case_id, kind, recipient_id, channel, subject, body FROM notifications
		WHERE case_id = $1 AND sent_at IS NULL ORDER BY created_at, key`
	rows, err := s.pool.Query(ctx, q, caseID)
	if err != nil {
		return nil, fmt.Errorf("pending notifications: %w", err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.Key, &n.CaseID, &n.Kind, &n.Recipient, &n.Channel, &n.Subject, &n.Body); err != nil {
			return nil, fmt.Errorf("pending notifications: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNotification records a delivery attempt: sent when errText is empty.
func (s *Store) MarkNotification(ctx context.Context, key, errText string) error {
	const q = `UPDATE notifications SET attempts = attempts + 1, last_error = $2,
		sent_at = CASE WHEN $2 = '' THEN coalesce(sent_at, now()) END WHERE key = $1`
	if _, err := s.pool.Exec(ctx, q, key, errText); err != nil {
		return fmt.Errorf("mark notification %s: %w", key, err)
	}
	return nil
}

// NotificationRecord is an outbox row with its delivery state.
type NotificationRecord struct {
	Notification
	SentAt    *time.Time `json:"sent_at"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
}

// Notifications returns every notification of a case, sent or not, oldest first.
func (s *Store) Notifications(ctx context.Context, caseID string) ([]NotificationRecord, error) {
	const q = `SELECT key, case_id, kind, recipient_id, channel, subject, body, sent_at, attempts, last_error
		FROM notifications WHERE case_id = $1 ORDER BY created_at, key`
	rows, err := s.pool.Query(ctx, q, caseID)
	if err != nil {
		return nil, fmt.Errorf("notifications: %w", err)
	}
	defer rows.Close()
	var out []NotificationRecord
	for rows.Next() {
		var n NotificationRecord
		if err := rows.Scan(&n.Key, &n.CaseID, &n.Kind, &n.Recipient, &n.Channel, &n.Subject, &n.Body,
			&n.SentAt, &n.Attempts, &n.LastError); err != nil {
			return nil, fmt.Errorf("notifications: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
