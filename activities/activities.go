// Package activities holds every side effect of Signoff's workflows: reading the policy and the
// org, writing the case's ledger and read model, and delivering notifications. Each activity
// takes one input struct, returns one result struct, and is idempotent by a key the database
// enforces, so Temporal may retry it freely.
package activities

import (
	"errors"

	"go.temporal.io/sdk/client"

	"signoff/i18n"
	"signoff/notify"
	"signoff/store"
)

// textLang is the language of the words the activities write for people: titles and purposes
// of the cases the system opens, and notifications. It is the company's language; a text
// stored in the database is rendered once, when written, and read back as written.
const textLang = i18n.Default

// Activities carries the dependencies of the activities. Register it with a worker; workflows
// refer to its methods through a nil *Activities.
type Activities struct {
	store     *store.Store
	policies  *store.Policies
	channels  Channels
	payment   PaymentConnector
	temporal  client.Client // for StartStaleCases only
	startCase CaseStarter
	archive   CaseArchiver // for ArchiveCase only
}

// Channels are the delivery channels beyond the in-app inbox, and where links point.
type Channels struct {
	Email     notify.SMTP
	Webhook   notify.Webhook
	PublicURL string // the gateway's base URL, for links in messages
}

// Option configures optional dependencies.
type Option func(*Activities)

// WithPaymentConnector makes Pay call the connector.
func WithPaymentConnector(p PaymentConnector) Option {
	return func(a *Activities) { a.payment = p }
}

// New returns the activities, refusing missing dependencies.
func New(s *store.Store, p *store.Policies, ch Channels, opts ...Option) (*Activities, error) {
	if s == nil || p == nil {
		return nil, errors.New("activities: store and policies are required")
	}
	if ch.Webhook.Enabled() && ch.Webhook.Client == nil {
		return nil, errors.New("activities: webhook needs an http client")
	}
	a := &Activities{store: s, policies: p, channels: ch}
	for _, o := range opts {
		o(a)
	}
	if a.payment.Enabled() && a.payment.Client == nil {
		return nil, errors.New("activities: payment connector needs an http client")
	}
	return a, nil
}
