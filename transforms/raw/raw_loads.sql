-- One row per ingested source file (a bulletin .txt/.docx or a unit report .csv/.xlsx).
-- Append-only: a newer load for the same county and period supersedes older ones in staging;
-- the raw file itself is never modified, its sha256 identifies it.
CREATE TABLE IF NOT EXISTS raw_loads (
    load_id               VARCHAR PRIMARY KEY,   -- sha256 of the file + county + period
    county_slug           VARCHAR NOT NULL,
    county                VARCHAR NOT NULL,
    period                VARCHAR NOT NULL,      -- 2021H1 | 2021 | 2021Q2 | 2021-03
    period_kind           VARCHAR NOT NULL,
    period_start          DATE NOT NULL,
    period_end            DATE NOT NULL,
    source_kind           VARCHAR NOT NULL,      -- bulletin | unit_report
    file_format           VARCHAR NOT NULL,      -- txt | docx | csv | xlsx
    source_path           VARCHAR NOT NULL,
    source_name           VARCHAR NOT NULL,
    source_sha256         VARCHAR NOT NULL,
    title                 VARCHAR,
    stated_total          BIGINT,
    stated_total_where    VARCHAR,
    stated_total_sentence VARCHAR,
    loaded_at             TIMESTAMP NOT NULL
);
