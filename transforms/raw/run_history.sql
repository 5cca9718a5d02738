-- One row per flow run (final, draft or failed): what `zwgk runs` lists.
CREATE TABLE IF NOT EXISTS run_history (
    run_id         VARCHAR PRIMARY KEY,
    flow_run_id    VARCHAR,
    county_slug    VARCHAR NOT NULL,
    county         VARCHAR,
    period         VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,      -- final | draft | failed
    failed_checks  VARCHAR[],
    error          VARCHAR,
    out_dir        VARCHAR,
    alert          VARCHAR,               -- sent | failed | not_needed | no_urls
    started_at     TIMESTAMP,
    finished_at    TIMESTAMP
);
