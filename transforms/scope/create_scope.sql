-- The build's scope (runner.run_scope): the county × period partitions one pass of the marts computes.
-- Temporary (private to the connection), created and dropped inside the build's transaction. requested:
-- a pair the caller asked for (false: a partition rebuilt because its mart's table was recreated).
CREATE OR REPLACE TEMP TABLE run_scope (
    county_slug  VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    period_kind  VARCHAR NOT NULL,
    period_start DATE    NOT NULL,
    period_end   DATE    NOT NULL,
    requested    BOOLEAN NOT NULL,
    PRIMARY KEY (county_slug, period)
)
