-- The disclosure columns a crawl visited (name, type, owning unit, what it found).
CREATE TABLE IF NOT EXISTS raw_crawl_columns (
    crawl_id     VARCHAR NOT NULL,
    county_slug  VARCHAR NOT NULL,
    "column"     VARCHAR NOT NULL,
    url          VARCHAR,
    column_type  VARCHAR,
    unit_raw     VARCHAR,
    unit_name    VARCHAR,
    status       VARCHAR,     -- ok | not_modified | blocked | missing | error | partial
    reason       VARCHAR,
    PRIMARY KEY (crawl_id, county_slug, "column")
);
