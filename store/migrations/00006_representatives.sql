-- +goose Up
-- The production control center's registry (业务代表名册): who represents which department at the
-- center, who directs the center, and which leader answers for each department, each for a
-- period. A post is held from valid_from through valid_to (both days included; no end: open).
CREATE TABLE representatives (
    id            bigserial PRIMARY KEY,
    user_id       text NOT NULL REFERENCES users(id),
    post          text NOT NULL CHECK (post IN ('representative', 'center_director', 'center_deputy',
                      'center_dispatcher', 'department_leader')),
    department_id text NOT NULL DEFAULT '', -- the department represented or led; '' for center posts
    valid_from    date NOT NULL,
    valid_to      date,
    note          text NOT NULL DEFAULT '',
    created_by    text NOT NULL REFERENCES users(id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    ended_by      text REFERENCES users(id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK ((post IN ('representative', 'department_leader')) = (department_id <> ''))
);
CREATE INDEX representatives_user ON representatives (user_id, valid_from);
CREATE INDEX representatives_department ON representatives (department_id, post, valid_from);

-- +goose Down
DROP TABLE representatives;
