// Package ledger makes the seals (章) of a case tamper-evident: every seal records the digest of
// the content its signer saw and the hash of the seal before it, so a changed amount, an edited
// line, a swapped attachment, a deleted or a reordered seal breaks a digest or a link that
// anyone can recompute from the rows alone. The package is pure: the store gathers the rows,
// this package encodes, hashes and verifies them.
//
// # Canonical form
//
// Both digests hash a field list, SHA-256, written lowercase hex. The list starts with a header
// line naming the form and its version ("signoff-content/1" or "signoff-seal/1") and then has one
// field per line:
//
//	<name> SP <byte length in decimal> ":" <value> LF
//
// The length prefix makes the encoding unambiguous whatever a value contains (new lines,
// colons, any UTF-8). Integers are written in decimal (amounts in minor units), dates as
// YYYY-MM-DD, times as UTC with microseconds (2006-01-02T15:04:05.000000Z: what PostgreSQL
// keeps), digests as lowercase hex, absent values as the empty string. A list is written as a
// count field (e.g. "lines 1:2") followed by its elements' fields in order, each name prefixed by
// the list's element name ("line.description"). Fields are written in the order Content and
// Seal declare them (see Content.Canonical and Seal.Canonical): exactly that order, every field
// always present.
//
// Content holds the case's facts: kind, title, purpose, category, department, budget line,
// amount, currency, the expense lines by line number, the attachments by ID with the SHA-256 of
// their bytes, and for a purchase request the supplier, plan, delivery date, contract number,
// contract terms (the JSON object with its keys sorted, no whitespace, numbers as written) and
// the items by line number.
//
// A seal's hash covers: the previous seal's hash (empty for the first seal of the chain), the
// case, seq, step, role, actor, on behalf of, decision, target, comment, policy version, time
// and the content digest.
//
// # Production problems
//
// A production problem's seals (problem_seals) form a chain of their own, in the same field
// encoding. ProblemFacts ("signoff-problem/1") holds the facts the problem was raised with, in
// this order: problem, title, description, model, batch, bom_node, line, severity, raised_by,
// raised_at, meeting, policy_version, then the attachments by ID (id, filename, SHA-256). They
// never change after the raise, so every seal of a sound problem attests the same digest. A
// problem seal's hash ("signoff-problem-seal/1") covers: prev, problem, seq, decision, actor,
// comment, target, at and the facts digest. VerifyProblem checks it as Verify checks a case.
//
// # Daily heads
//
// Once a UTC day is over, one head ("signoff-day/1") is written for it, linking every seal
// written that day (by the database's clock, seals.written_at and problem_seals.written_at) to
// the day before, so that a seal removed after its day was headed shows even if its own chain
// was rebuilt around the gap. A head's hash covers: prev (the previous day's head, empty for
// the first), day (YYYY-MM-DD), seals (the count), then for every hashed seal of the day, in
// the order of ledger ("case" before "problem"), ID and seq: seal.ledger, seal.id, seal.seq and
// seal.hash. Seals from before the ledger carry no hash and are not covered. Days follow one
// another without a gap from the first day a seal was written; a day without seals has a head
// too. VerifyHeads checks every head against the seals as they are stored now.
package ledger
