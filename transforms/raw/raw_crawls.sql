-- One row per crawl of a county's portal loaded into the warehouse, with the crawl's summary.
CREATE TABLE IF NOT EXISTS raw_crawls (
    crawl_id     VARCHAR NOT NULL,
    county_slug  VARCHAR NOT NULL,
    portal       VARCHAR,
    summary      JSON,
    loaded_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (crawl_id, county_slug)
);
