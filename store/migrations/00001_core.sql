-- +goose Up
-- Org and policy versions: each loaded YAML document is kept whole; cases point at the version
-- they were submitted under.
CREATE TABLE policy_versions (
    version    integer PRIMARY KEY,
    checksum   text NOT NULL UNIQUE,
    document   jsonb NOT NULL,
    source     text NOT NULL,
    loaded_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE departments (
    id      text PRIMARY KEY,
    name    text NOT NULL,
    head_id text NOT NULL,
    parent  text
);

CREATE TABLE users (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    email         text NOT NULL,
    department_id text NOT NULL,
    roles         text[] NOT NULL DEFAULT '{}',
    password_hash text NOT NULL,
    active        boolean NOT NULL DEFAULT true
);

-- Delegation (代理): while away, the delegator's steps may be signed by the delegate.
CREATE TABLE delegations (
    id           bigserial PRIMARY KEY,
    delegator_id text NOT NULL REFERENCES users(id),
    delegate_id  text NOT NULL REFERENCES users(id),
    valid_from   timestamptz NOT NULL,
    valid_to     timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (valid_to > valid_from),
    CHECK (delegator_id <> delegate_id)
);
CREATE INDEX delegations_delegate ON delegations (delegate_id, valid_from, valid_to);

CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY,
    user_id    text NOT NULL REFERENCES users(id),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Budget lines (预算指标) in minor units. Balance = total - reserved - consumed.
CREATE TABLE budget_lines (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    department_id text NOT NULL,
    year          integer NOT NULL,
    total         bigint NOT NULL CHECK (total >= 0),
    reserved      bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    consumed      bigint NOT NULL DEFAULT 0 CHECK (consumed >= 0)
);

-- Business numbers (EXP-2026-000123) come from one counter per kind and year.
CREATE TABLE case_numbers (
    prefix text NOT NULL,
    year   integer NOT NULL,
    last   bigint NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
    id             text PRIMARY KEY,               -- the business number and the workflow ID
    kind           text NOT NULL,
    title          text NOT NULL,
    purpose        text NOT NULL,
    category       text NOT NULL,
    department_id  text NOT NULL,
    budget_line_id text NOT NULL REFERENCES budget_lines(id),
    amount         bigint NOT NULL CHECK (amount > 0),
    currency       text NOT NULL,
    submitter_id   text NOT NULL REFERENCES users(id),
    policy_version integer NOT NULL REFERENCES policy_versions(version),
    over_budget    boolean NOT NULL DEFAULT false,
    status         text NOT NULL,
    current_step   text NOT NULL DEFAULT '',
    current_label  text NOT NULL DEFAULT '',
    assignees      text[] NOT NULL DEFAULT '{}',   -- who must act now (the inbox)
    participants   text[] NOT NULL DEFAULT '{}',   -- everyone ever on the case
    revision       integer NOT NULL DEFAULT 0,
    seq            integer NOT NULL DEFAULT 0,      -- last ledger entry written
    deadline       timestamptz,
    overdue        boolean NOT NULL DEFAULT false,
    state          jsonb,                           -- the chain state snapshot
    paid_reference text,
    paid_at        timestamptz,
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    closed_at      timestamptz
);
CREATE INDEX cases_assignees ON cases USING gin (assignees);
CREATE INDEX cases_participants ON cases USING gin (participants);
CREATE INDEX cases_submitter ON cases (submitter_id, submitted_at DESC);
CREATE INDEX cases_status ON cases (status, submitted_at DESC);
CREATE INDEX cases_department ON cases (department_id, submitted_at DESC);
CREATE INDEX cases_submitted ON cases (submitted_at DESC, id);

CREATE TABLE case_lines (
    case_id     text NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    line_no     integer NOT NULL,
    spent_on    date,
    description text NOT NULL,
    amount      bigint NOT NULL CHECK (amount > 0),
    invoice_no  text NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, line_no)
);

-- Edits typed by the submitter for a resubmission; applied by the workflow together with the
-- resubmission seal, so a refused resubmission changes nothing.
CREATE TABLE case_edits (
    id         text PRIMARY KEY,
    case_id    text NOT NULL REFERENCES cases(id),
    payload    jsonb NOT NULL,
    applied_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The ledger of seals (章): every decision and event on a case, never updated.
CREATE TABLE seals (
    case_id        text NOT NULL REFERENCES cases(id),
    seq            integer NOT NULL,
    step_key       text NOT NULL DEFAULT '',
    role           text NOT NULL DEFAULT '',
    actor_id       text NOT NULL,
    on_behalf_of   text NOT NULL DEFAULT '',
    decision       text NOT NULL,
    comment        text NOT NULL DEFAULT '',
    target         text NOT NULL DEFAULT '',
    policy_version integer NOT NULL,
    at             timestamptz NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX seals_actor ON seals (actor_id, at DESC);

CREATE TABLE budget_reservations (
    case_id        text PRIMARY KEY REFERENCES cases(id),
    budget_line_id text NOT NULL REFERENCES budget_lines(id),
    amount         bigint NOT NULL CHECK (amount > 0),
    state          text NOT NULL CHECK (state IN ('reserved', 'consumed', 'released')),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Idempotency keys of submissions: the same key from the same user returns the same case.
CREATE TABLE idempotency_keys (
    user_id      text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    case_id      text NOT NULL REFERENCES cases(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- Outbox of notifications; (key) makes each one written and delivered once per channel.
CREATE TABLE notifications (
    key          text PRIMARY KEY,
    case_id      text NOT NULL,
    kind         text NOT NULL,
    recipient_id text NOT NULL,
    channel      text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text NOT NULL DEFAULT ''
);
CREATE INDEX notifications_case ON notifications (case_id);

-- +goose Down
DROP TABLE notifications, idempotency_keys, budget_reservations, seals, case_edits, case_lines,
    cases, case_numbers, budget_lines, sessions, delegations, users, departments, policy_versions;
