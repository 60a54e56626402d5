package procure

import (
	"testing"
	"time"
)

// TestCertificateStates pins how certificates are judged against a day.
func TestCertificateStates(t *testing.T) {
	t.Parallel()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	today := day("2026-11-02")
	required := []string{"business_license"}
	cert := func(kind, from, to string) Certificate {
		return Certificate{Kind: kind, ValidFrom: day(from), ValidTo: day(to)}
	}
	for _, tt := range []struct {
		from, to, want string
	}{
		{"2024-01-01", "2028-12-31", CertValid},
		{"2024-01-01", "2026-12-02", CertValid},    // 30 days left
		{"2024-01-01", "2026-12-01", CertExpiring}, // 29 days left
		{"2024-01-01", "2026-11-02", CertExpiring}, // the last day
		{"2024-01-01", "2026-11-01", CertExpired},
		{"2026-11-03", "2030-01-01", CertPending},
		{"2026-11-02", "2030-01-01", CertValid}, // the first day
	} {
		if got := cert("business_license", tt.from, tt.to).StateOn(today); got != tt.want {
			t.Errorf("%s – %s: %s, want %s", tt.from, tt.to, got, tt.want)
		}
	}
	for name, tt := range map[string]struct {
		certs []Certificate
		want  string
	}{
		"none":                 {nil, CertMissing},
		"only a production":    {[]Certificate{cert("production_license", "2024-01-01", "2030-01-01")}, CertMissing},
		"valid":                {[]Certificate{cert("business_license", "2024-01-01", "2030-01-01")}, CertValid},
		"renewed":              {[]Certificate{cert("business_license", "2020-01-01", "2025-01-01"), cert("business_license", "2025-01-02", "2030-01-01")}, CertValid},
		"another kind expired": {[]Certificate{cert("business_license", "2024-01-01", "2030-01-01"), cert("quality_certificate", "2020-01-01", "2025-01-01")}, CertExpired},
		"expiring":             {[]Certificate{cert("business_license", "2024-01-01", "2026-11-20")}, CertExpiring},
	} {
		if got := CertificatesState(required, tt.certs, today); got != tt.want {
			t.Errorf("%s: %s, want %s", name, got, tt.want)
		}
	}
	// A judgement agrees with the request's check: a certificate valid on the day is never
	// expired or pending.
	for _, c := range []Certificate{cert("x", "2026-11-02", "2026-11-02"), cert("x", "2020-01-01", "2030-01-01")} {
		if st := c.StateOn(today); c.ValidOn(today) != (st == CertValid || st == CertExpiring) {
			t.Errorf("%v: ValidOn %v but state %s", c, c.ValidOn(today), st)
		}
	}
}

func TestReasonRequired(t *testing.T) {
	t.Parallel()
	for status, want := range map[string]bool{SupplierSuspended: true, SupplierAdmitted: false, "": false} {
		if got := ReasonRequired(status); got != want {
			t.Errorf("ReasonRequired(%q) = %v, want %v", status, got, want)
		}
	}
}
