-- +goose Up
-- The boards' figures over a period of closures (time to close, closed per model) read the
-- closed problems by closure time instead of scanning every problem.
CREATE INDEX problems_closed ON problems (closed_at) INCLUDE (published_at, model) WHERE status = 'closed';

-- +goose Down
DROP INDEX problems_closed;
