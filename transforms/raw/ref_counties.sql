-- One row per county job (its TOML config), replaced on every ingest: the county's name, where its
-- bulletin's unit counts come from ([counts] source: auto | crawl | reported) and its portal's name.
CREATE TABLE IF NOT EXISTS ref_counties (
    county_slug    VARCHAR PRIMARY KEY,
    county         VARCHAR NOT NULL,
    counts_source  VARCHAR NOT NULL,      -- auto | crawl | reported
    portal         VARCHAR
);
