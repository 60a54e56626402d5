-- +goose Up
-- Receipts and invoices attached to a claim. An upload belongs to its uploader until a
-- submission (or a resubmission's edit) links it to a case; the content is kept in the row,
-- with the SHA-256 it was stored under and the type read from its first bytes.
CREATE TABLE attachments (
    id           text PRIMARY KEY,
    case_id      text REFERENCES cases(id),
    uploader_id  text NOT NULL REFERENCES users(id),
    filename     text NOT NULL,
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size         bigint NOT NULL CHECK (size > 0),
    sha256       bytea NOT NULL CHECK (length(sha256) = 32),
    content      bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    linked_at    timestamptz
);
CREATE INDEX attachments_case ON attachments (case_id, created_at) WHERE case_id IS NOT NULL;
CREATE INDEX attachments_unlinked ON attachments (uploader_id, created_at) WHERE case_id IS NULL;

-- Copied to (抄送): people the submitter keeps informed; they may read the case, not act on it.
CREATE TABLE case_copies (
    user_id   text NOT NULL REFERENCES users(id),
    case_id   text NOT NULL REFERENCES cases(id),
    copied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, case_id)
);
CREATE INDEX case_copies_inbox ON case_copies (user_id, copied_at DESC, case_id DESC);
CREATE INDEX case_copies_case ON case_copies (case_id);

-- Done (已办): the cases a person has decided on (approved, rejected, returned, transferred,
-- added a signer, paid), with the time of their last such decision. Kept by RecordOutcome.
CREATE TABLE case_done (
    user_id  text NOT NULL,
    case_id  text NOT NULL REFERENCES cases(id),
    acted_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, case_id)
);
CREATE INDEX case_done_inbox ON case_done (user_id, acted_at DESC, case_id DESC);

INSERT INTO case_done (user_id, case_id, acted_at)
SELECT actor_id, case_id, max(at) FROM seals
WHERE decision IN ('approved', 'rejected', 'returned', 'transferred', 'signer_added', 'paid')
  AND actor_id NOT IN ('system', 'payment-connector')
GROUP BY actor_id, case_id;

-- The inbox lists overdue cases first.
CREATE INDEX cases_todo_order ON cases (overdue DESC, submitted_at DESC, id DESC);

-- +goose Down
DROP INDEX cases_todo_order;
DROP TABLE case_done, case_copies, attachments;
