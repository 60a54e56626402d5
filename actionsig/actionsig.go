package actionsig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Window is how far a proof's signing time may be from the verifier's clock, either way: long
// enough for a slow Update and clock skew between gateways and workers, short enough that a
// captured proof soon stops mattering.
const Window = 10 * time.Minute

// MinSecretLen is the shortest secret a Keyring accepts, in bytes: 256 bits, HMAC-SHA256's
// output, as `openssl rand -hex 32` gives.
const MinSecretLen = 32

const domain = "signoff-action-v1\n"

// Key is one signing key: an ID that travels in every proof (so keys can rotate) and the secret.
type Key struct {
	ID     string
	Secret string
}

// Subject is what a proof attests: which Update of which workflow, by whom, at which revision,
// carrying which action (Payload, hashed as its JSON).
type Subject struct {
	WorkflowID string
	UpdateID   string
	Update     string
	Actor      string
	OnBehalfOf string
	Revision   int
	Payload    any
}

// Proof travels with an action as the Update's second argument. The zero Proof is "unsigned".
type Proof struct {
	KeyID    string    `json:"key_id,omitempty"`
	SignedAt time.Time `json:"signed_at,omitzero"`
	MAC      string    `json:"mac,omitempty"`
}

// Codes of a refused proof: stable, for clients and logs (the Update's error type).
const (
	CodeUnsigned   = "unsigned_action"     // no proof at all
	CodeUnknownKey = "unknown_signing_key" // made with a key this process does not list
	CodeBadMAC     = "forged_action"       // wrong key, or made for another subject
	CodeExpired    = "expired_action"      // signed outside Window of now
)

// Error is a refused proof. Its message never contains a secret or a MAC.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Keyring holds the keys a process verifies with and the one it signs with.
type Keyring struct {
	current string
	secrets map[string][]byte
}

// NewKeyring checks the keys (non-empty, unique IDs; secrets of MinSecretLen bytes or more) and
// that current names one of them.
func NewKeyring(keys []Key, current string) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("actionsig: no signing key")
	}
	k := &Keyring{current: current, secrets: make(map[string][]byte, len(keys))}
	for _, key := range keys {
		switch {
		case key.ID == "":
			return nil, errors.New("actionsig: a signing key has no id")
		case len(key.Secret) < MinSecretLen:
			return nil, fmt.Errorf("actionsig: signing key %q: secret shorter than %d bytes", key.ID, MinSecretLen)
		}
		if _, dup := k.secrets[key.ID]; dup {
			return nil, fmt.Errorf("actionsig: signing key %q listed twice", key.ID)
		}
		k.secrets[key.ID] = []byte(key.Secret)
	}
	if _, ok := k.secrets[current]; !ok {
		return nil, fmt.Errorf("actionsig: current signing key %q is not among the keys", current)
	}
	return k, nil
}

// CurrentKeyID is the ID of the key Sign uses.
func (k *Keyring) CurrentKeyID() string { return k.current }

// Sign makes the proof of s at time at with the current key.
func (k *Keyring) Sign(s Subject, at time.Time) (Proof, error) {
	p := Proof{KeyID: k.current, SignedAt: at.UTC()}
	mac, err := k.mac(p, s)
	if err != nil {
		return Proof{}, err
	}
	p.MAC = hex.EncodeToString(mac)
	return p, nil
}

// Verify refuses p as the proof of s at now with an *Error, or returns nil.
func (k *Keyring) Verify(s Subject, p Proof, now time.Time) error {
	if p == (Proof{}) {
		return &Error{Code: CodeUnsigned, Message: "the action carries no signature"}
	}
	if _, ok := k.secrets[p.KeyID]; !ok {
		return &Error{Code: CodeUnknownKey, Message: fmt.Sprintf("the action is signed with key %q, which is not accepted", p.KeyID)}
	}
	got, err := hex.DecodeString(p.MAC)
	if err != nil {
		return &Error{Code: CodeBadMAC, Message: "the action's signature is not valid"}
	}
	want, err := k.mac(p, s)
	if err != nil {
		return err
	}
	if !hmac.Equal(got, want) {
		return &Error{Code: CodeBadMAC, Message: "the action's signature is not valid for this action"}
	}
	if d := now.Sub(p.SignedAt); d > Window || d < -Window {
		return &Error{Code: CodeExpired, Message: fmt.Sprintf("the action was signed at %s, outside %s of now", p.SignedAt.UTC().Format(time.RFC3339), Window)}
	}
	return nil
}

// mac is the HMAC-SHA256 of the canonical encoding (see the package doc) under p's key.
func (k *Keyring) mac(p Proof, s Subject) ([]byte, error) {
	payload, err := json.Marshal(s.Payload)
	if err != nil {
		return nil, fmt.Errorf("actionsig: encode the action: %w", err)
	}
	sum := sha256.Sum256(payload)
	m := hmac.New(sha256.New, k.secrets[p.KeyID])
	m.Write([]byte(domain))
	for _, f := range []string{p.KeyID, s.WorkflowID, s.UpdateID, s.Update, s.Actor, s.OnBehalfOf,
		strconv.Itoa(s.Revision), p.SignedAt.UTC().Format(time.RFC3339Nano), hex.EncodeToString(sum[:])} {
		m.Write([]byte(strconv.Itoa(len(f)) + ":" + f + "\n"))
	}
	return m.Sum(nil), nil
}
