package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// Load parses a policy file and validates it. Unknown fields are refused, so a misspelt key is
// an error rather than a silently missing rule.
func Load(yamlBytes []byte) (*Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(yamlBytes))
	dec.KnownFields(true)
	var d Document
	if err := dec.Decode(&d); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("load policy: the file is empty")
		}
		return nil, fmt.Errorf("load policy: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("load policy: the file holds more than one YAML document")
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("load policy: %w", err)
	}
	return &d, nil
}

// FromJSON reads a document stored as JSON (see CanonicalJSON) and validates it. Password hashes
// are not part of the JSON form: users' credentials are stored apart from the policy.
func FromJSON(data []byte) (*Document, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("policy from json: %w", err)
	}
	if dec.More() {
		return nil, errors.New("policy from json: trailing data after the document")
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("policy from json: %w", err)
	}
	return &d, nil
}

// CanonicalJSON is the form a document is stored in: the same document always gives the same
// bytes (struct fields in declaration order, map keys sorted, money and durations as strings).
// Password hashes are left out.
func (d *Document) CanonicalJSON() ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("policy to json: %w", err)
	}
	return b, nil
}

// Checksum is the SHA-256 (hex) of CanonicalJSON: two documents with the same rules have the
// same checksum whatever their YAML formatting, so storing a new version can be skipped when
// nothing changed. Password hashes do not count.
func (d *Document) Checksum() string {
	b, err := d.CanonicalJSON()
	if err != nil {
		// Every type in a Document marshals without error; reaching this is a programming error.
		panic(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
