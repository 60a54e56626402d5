package actionsig

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	oldKey = Key{ID: "k1", Secret: strings.Repeat("a", 32)}
	newKey = Key{ID: "k2", Secret: strings.Repeat("b", 32)}
	t0     = time.Date(2026, 12, 8, 9, 0, 0, 123, time.UTC)
)

type payload struct {
	Comment string `json:"comment"`
}

func subject() Subject {
	return Subject{WorkflowID: "EXP-2026-000001", UpdateID: "u1/approve/k", Update: "approve", Actor: "u1",
		Revision: 3, Payload: payload{Comment: "ok"}}
}

func ring(t *testing.T, current string, keys ...Key) *Keyring {
	t.Helper()
	k, err := NewKeyring(keys, current)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return ""
}

func TestVerify(t *testing.T) {
	signer := ring(t, "k1", oldKey)
	p, err := signer.Sign(subject(), t0)
	if err != nil {
		t.Fatal(err)
	}
	forger := ring(t, "k1", Key{ID: "k1", Secret: strings.Repeat("z", 32)})
	forged, _ := forger.Sign(subject(), t0)
	verifier := ring(t, "k2", oldKey, newKey)
	tests := []struct {
		name string
		edit func(*Subject, *Proof)
		now  time.Time
		want string
	}{
		{"as signed", func(*Subject, *Proof) {}, t0, ""},
		{"just inside the window", func(*Subject, *Proof) {}, t0.Add(Window), ""},
		{"clock behind", func(*Subject, *Proof) {}, t0.Add(-Window), ""},
		{"expired", func(*Subject, *Proof) {}, t0.Add(Window + time.Second), CodeExpired},
		{"from the future", func(*Subject, *Proof) {}, t0.Add(-Window - time.Second), CodeExpired},
		{"unsigned", func(_ *Subject, p *Proof) { *p = Proof{} }, t0, CodeUnsigned},
		{"unknown key", func(_ *Subject, p *Proof) { p.KeyID = "k9" }, t0, CodeUnknownKey},
		{"wrong key", func(_ *Subject, p *Proof) { *p = forged }, t0, CodeBadMAC},
		{"not hex", func(_ *Subject, p *Proof) { p.MAC = "zz" }, t0, CodeBadMAC},
		{"time moved", func(_ *Subject, p *Proof) { p.SignedAt = p.SignedAt.Add(time.Second) }, t0, CodeBadMAC},
		{"another case", func(s *Subject, _ *Proof) { s.WorkflowID = "EXP-2026-000002" }, t0, CodeBadMAC},
		{"another update ID", func(s *Subject, _ *Proof) { s.UpdateID = "u1/approve/other" }, t0, CodeBadMAC},
		{"another action", func(s *Subject, _ *Proof) { s.Update = "pay" }, t0, CodeBadMAC},
		{"another actor", func(s *Subject, _ *Proof) { s.Actor = "u2" }, t0, CodeBadMAC},
		{"on behalf of someone", func(s *Subject, _ *Proof) { s.OnBehalfOf = "u2" }, t0, CodeBadMAC},
		{"another revision", func(s *Subject, _ *Proof) { s.Revision = 4 }, t0, CodeBadMAC},
		{"another comment", func(s *Subject, _ *Proof) { s.Payload = payload{Comment: "ok!"} }, t0, CodeBadMAC},
		// Length prefixes keep a boundary from moving between fields.
		{"fields shifted", func(s *Subject, _ *Proof) { s.Actor, s.OnBehalfOf = "u", "1" }, t0, CodeBadMAC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, q := subject(), p
			tt.edit(&s, &q)
			if got := code(verifier.Verify(s, q, tt.now)); got != tt.want {
				t.Errorf("Verify = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRotation: a proof made with the previous key is accepted while that key is listed and
// refused once it is removed; new proofs use the current key.
func TestRotation(t *testing.T) {
	p, _ := ring(t, "k1", oldKey).Sign(subject(), t0)
	during := ring(t, "k2", oldKey, newKey)
	if err := during.Verify(subject(), p, t0); err != nil {
		t.Fatalf("previous key refused while listed: %v", err)
	}
	if q, _ := during.Sign(subject(), t0); q.KeyID != "k2" {
		t.Errorf("signed with %q, want the current k2", q.KeyID)
	}
	after := ring(t, "k2", newKey)
	if got := code(after.Verify(subject(), p, t0)); got != CodeUnknownKey {
		t.Errorf("removed key: %q, want %q", got, CodeUnknownKey)
	}
}

func TestNewKeyringRefuses(t *testing.T) {
	tests := []struct {
		name    string
		keys    []Key
		current string
	}{
		{"no keys", nil, ""},
		{"no id", []Key{{Secret: oldKey.Secret}}, ""},
		{"short secret", []Key{{ID: "k1", Secret: "short"}}, "k1"},
		{"duplicate", []Key{oldKey, oldKey}, "k1"},
		{"current not listed", []Key{oldKey}, "k2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewKeyring(tt.keys, tt.current)
			if err == nil {
				t.Fatal("accepted")
			}
			if strings.Contains(err.Error(), oldKey.Secret) {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}
}
