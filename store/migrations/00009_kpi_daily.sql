-- +goose Up
-- The completion rate's counts per day, the day taken in the policy's timezone: kept by
-- RecordProblem in the same transaction as the detail rows in problem_kpi (minus a problem's old
-- rows, plus its new ones), so the rate of a week, month or quarter sums a few rows per key and
-- day instead of counting every problem due in it.
CREATE TABLE problem_kpi_daily (
    dimension text NOT NULL,
    day       date NOT NULL,
    key       text NOT NULL,
    due       integer NOT NULL,
    on_time   integer NOT NULL,
    PRIMARY KEY (dimension, day, key)
);

INSERT INTO problem_kpi_daily (dimension, day, key, due, on_time)
SELECT k.dimension, (k.due_at AT TIME ZONE tz.name)::date, k.key, count(*), count(*) FILTER (WHERE k.on_time)
FROM problem_kpi k,
    (SELECT coalesce((SELECT document->'calendar'->>'timezone' FROM policy_versions
        ORDER BY version DESC LIMIT 1), 'UTC') AS name) tz
GROUP BY 1, 2, 3;

-- +goose Down
DROP TABLE problem_kpi_daily;
