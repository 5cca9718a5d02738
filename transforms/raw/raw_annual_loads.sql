-- One row per annual review load: a county's reports for one year, checked together. Append-only;
-- the newest load of a county and year is the one that counts (stg_annual_loads).
CREATE TABLE IF NOT EXISTS raw_annual_loads (
    load_id      VARCHAR PRIMARY KEY,
    county_slug  VARCHAR NOT NULL,
    county       VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    registered   VARCHAR[],            -- unit_ids that had to publish
    loaded_at    TIMESTAMP NOT NULL
);
