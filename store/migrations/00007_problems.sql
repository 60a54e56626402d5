-- +goose Up
-- Coordination meetings (型号项目协调会, 生产调度例会, 生产例会): each decision becomes a problem
-- (an action item) with its owner and due date.
CREATE TABLE meetings (
    id         text PRIMARY KEY,               -- MTG-2026-000001
    kind       text NOT NULL CHECK (kind IN ('model_coordination', 'production_dispatch', 'production_routine')),
    title      text NOT NULL,
    held_at    timestamptz NOT NULL,
    chair_id   text NOT NULL REFERENCES users(id),
    minutes    text NOT NULL DEFAULT '',
    created_by text NOT NULL REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A production problem (PRB-…), its workflow's snapshot and the facts boards and the assessment
-- read. The workflow ID is the problem's ID; state is the lifecycle's JSON, written forward only.
CREATE TABLE problems (
    id              text PRIMARY KEY,
    title           text NOT NULL,
    description     text NOT NULL,
    model           text NOT NULL DEFAULT '',  -- 型号
    batch           text NOT NULL DEFAULT '',  -- 批次
    bom_node        text NOT NULL DEFAULT '',  -- BOM 节点
    line            text NOT NULL DEFAULT '',  -- 产线 / 车间
    severity        text NOT NULL,
    raised_by       text NOT NULL REFERENCES users(id),
    raised_at       timestamptz NOT NULL DEFAULT now(),
    meeting_id      text REFERENCES meetings(id),
    policy_version  integer NOT NULL REFERENCES policy_versions(version),
    status          text NOT NULL,
    departments     text[] NOT NULL DEFAULT '{}',
    representatives text[] NOT NULL DEFAULT '{}',
    holders         text[] NOT NULL DEFAULT '{}', -- who must act now (the role board)
    due_at          timestamptz,
    original_due_at timestamptz,
    published_at    timestamptz,
    solved_at       timestamptz,
    closed_at       timestamptz,
    merged_into     text REFERENCES problems(id),
    reopened        integer NOT NULL DEFAULT 0,
    due_changes     integer NOT NULL DEFAULT 0,
    publications    integer NOT NULL DEFAULT 0,
    escalations     integer NOT NULL DEFAULT 0,
    revision        integer NOT NULL DEFAULT 0,
    seq             integer NOT NULL DEFAULT 0,
    state           jsonb,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX problems_open ON problems (status, due_at) WHERE status IN ('raised', 'in_progress', 'solved');
CREATE INDEX problems_holders ON problems USING gin (holders);
CREATE INDEX problems_departments ON problems USING gin (departments);
CREATE INDEX problems_model ON problems (model, raised_at DESC) WHERE model <> '';
CREATE INDEX problems_batch ON problems (batch, bom_node) WHERE batch <> '';
CREATE INDEX problems_raised ON problems (raised_at DESC, id);

-- The ledger of a problem: every transition is a seal, never updated.
CREATE TABLE problem_seals (
    problem_id text NOT NULL REFERENCES problems(id),
    seq        integer NOT NULL,
    decision   text NOT NULL,
    actor_id   text NOT NULL,
    comment    text NOT NULL DEFAULT '',
    target     text NOT NULL DEFAULT '',
    at         timestamptz NOT NULL,
    PRIMARY KEY (problem_id, seq)
);
CREATE INDEX problem_seals_escalated ON problem_seals (at) WHERE decision = 'escalated';

-- What the completion rate counts, rewritten with every snapshot of a counted problem: one row
-- for the center, one per responsible department and one per responsible representative, with
-- the due date in force and whether it was closed on time (see the kpi package).
CREATE TABLE problem_kpi (
    problem_id text NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
    dimension  text NOT NULL CHECK (dimension IN ('center', 'department', 'representative')),
    key        text NOT NULL,
    due_at     timestamptz NOT NULL,
    on_time    boolean NOT NULL,
    PRIMARY KEY (problem_id, dimension, key)
);
CREATE INDEX problem_kpi_due ON problem_kpi (dimension, due_at) INCLUDE (key, on_time);

-- Attachments of a problem (photos of the defect, test reports).
ALTER TABLE attachments ADD COLUMN problem_id text REFERENCES problems(id);
CREATE INDEX attachments_problem ON attachments (problem_id, created_at) WHERE problem_id IS NOT NULL;

-- +goose Down
ALTER TABLE attachments DROP COLUMN problem_id;
DROP TABLE problem_kpi, problem_seals, problems, meetings;
