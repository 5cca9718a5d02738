-- Append-only: every item a crawl returned (one row per URL per crawl), as the crawler read it.
-- Dates are Asia/Shanghai calendar dates; NULL when the page showed none (recorded, not dropped).
CREATE TABLE IF NOT EXISTS raw_crawled_items (
    crawl_id      VARCHAR NOT NULL,
    county_slug   VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    title         VARCHAR,
    unit_raw      VARCHAR,
    unit_name     VARCHAR,            -- normalised: NFKC, no whitespace
    "column"      VARCHAR,
    column_type   VARCHAR,
    columns       VARCHAR[],
    publish_date  DATE,
    doc_date      DATE,
    doc_number    VARCHAR,
    index_number  VARCHAR,
    topic         VARCHAR,
    repost_of     VARCHAR,
    fetched_at    TIMESTAMP,
    body_text     VARCHAR,
    format_facts  JSON,
    PRIMARY KEY (crawl_id, county_slug, url)
);
