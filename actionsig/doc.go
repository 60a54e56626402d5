// Package actionsig signs and verifies the human actions the gateway sends to a workflow, so
// that a client that reaches the Temporal frontend directly cannot act as a user: a workflow's
// Update validator accepts an action only with a valid Proof made with a key the gateways and
// workers share (config actions.signing_keys).
//
// The primitive is HMAC-SHA256 (crypto/hmac). What is signed is a Subject: the workflow (the
// business ID), the Update's ID and name, the actor, whom they act on behalf of, the revision the
// action was taken at, and the SHA-256 of the action's JSON (its comment, target, edit ID…), plus
// the key ID and the time of signing carried in the Proof. A proof is good for Window either side
// of the verifier's clock.
//
// Canonical encoding (version 1). The MAC is computed over
//
//	"signoff-action-v1\n" || field(key_id) || field(workflow_id) || field(update_id) ||
//	field(update) || field(actor) || field(on_behalf_of) || field(revision) ||
//	field(signed_at) || field(payload_sha256)
//
// where field(s) is the decimal byte length of s, ':', s, '\n' (so no two subjects encode alike),
// revision is decimal, signed_at is the UTC time in RFC 3339 with nanoseconds, and
// payload_sha256 is the lower-case hex SHA-256 of the action as encoding/json writes it. The MAC
// travels as lower-case hex.
//
// The verifier hashes the action as it decoded and re-encodes it, so what is checked is what the
// workflow will act on. Gateways and workers must therefore agree on an action's fields: a field
// added to an action type is written omitempty/omitzero (its zero value then encodes as before),
// and workers learn it before gateways send it; until then an action using it is refused as
// forged, never half understood.
//
// Binding the Update ID matters: a proof captured on the wire can only be replayed under the same
// Update ID, which Temporal answers with the first outcome, and with the same revision, which the
// rules refuse once the action has been applied (stale_revision).
//
// Keys rotate: a Keyring signs with its current key and verifies with any key it lists, so a new
// key is rolled out to every process first as an extra key, then made current, and the old one
// removed once no proof made with it can still be in flight (Window).
package actionsig
