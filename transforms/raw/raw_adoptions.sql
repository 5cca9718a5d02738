-- One row per adoptions sheet (采用情况表) loaded for a county and period (flows/ingest/adoptions.py): how many
-- of each unit's items a count source took (市门户采用 …), weighed by [scoring] (docs/rules.md, "Scores").
-- Append-only; for each county, period and source the newest load counts (stg_adoption_counts).
CREATE TABLE IF NOT EXISTS raw_adoption_loads (
    load_id       VARCHAR PRIMARY KEY,   -- sha256 of the file + county + period
    county_slug   VARCHAR NOT NULL,
    period        VARCHAR NOT NULL,
    period_start  DATE NOT NULL,
    period_end    DATE NOT NULL,
    source_path   VARCHAR NOT NULL,
    source_name   VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    loaded_at     TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_adoption_counts (
    load_id    VARCHAR NOT NULL,
    row_no     INTEGER NOT NULL,      -- order in the file
    unit_raw   VARCHAR NOT NULL,
    unit_name  VARCHAR NOT NULL,      -- normalised: NFKC, no whitespace
    source     VARCHAR NOT NULL,      -- the column: 市门户采用 …
    count      BIGINT NOT NULL,
    "where"    VARCHAR NOT NULL,      -- 第3行 / Sheet1!第3行
    PRIMARY KEY (load_id, row_no)
);
