package procure

import "time"

// How a supplier's certificates stand on a day, as the supplier pages and the purchase form show
// it: the same judgement CheckRequest makes when it refuses a supplier whose certificate lapsed,
// with a warning window before an end so that a buyer renews in time.

// Certificate states on a day.
const (
	CertValid    = "valid"
	CertExpiring = "expiring" // valid, but ends within CertificateWarnDays
	CertPending  = "pending"  // not valid yet
	CertExpired  = "expired"
	CertMissing  = "missing" // a kind the policy requires is not held
)

// CertificateWarnDays is how many days before its end a certificate is shown as expiring.
const CertificateWarnDays = 30

// certStateRank orders the states from best to worst.
var certStateRank = map[string]int{CertValid: 0, CertExpiring: 1, CertPending: 2, CertExpired: 3, CertMissing: 4}

// StateOn judges the certificate on a day (midnight UTC).
func (c Certificate) StateOn(day time.Time) string {
	switch {
	case c.ValidTo.Before(day):
		return CertExpired
	case c.ValidFrom.After(day):
		return CertPending
	case c.ValidTo.Before(day.AddDate(0, 0, CertificateWarnDays)):
		return CertExpiring
	}
	return CertValid
}

// CertificatesState judges a supplier's certificates on a day: each kind it holds by its best
// certificate, and a kind of required that it lacks as missing; the worst of these.
func CertificatesState(required []string, certs []Certificate, day time.Time) string {
	best := map[string]string{}
	for _, c := range certs {
		st := c.StateOn(day)
		if cur, ok := best[c.Kind]; !ok || certStateRank[st] < certStateRank[cur] {
			best[c.Kind] = st
		}
	}
	for _, kind := range required {
		if _, ok := best[kind]; !ok {
			return CertMissing
		}
	}
	worst := CertValid
	for _, st := range best {
		if certStateRank[st] > certStateRank[worst] {
			worst = st
		}
	}
	return worst
}
