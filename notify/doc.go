// Package notify delivers reminders and to-dos through the channels people use: e-mail over
// SMTP and group-chat robots (DingTalk / WeCom / Feishu webhooks). Messages are composed here
// from the notice kind; delivery idempotency is the caller's outbox (store.Notification.Key).
package notify
