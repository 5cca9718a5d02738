-- Bookkeeping kept with the raw crawl records, maintained at load (load/mark_superseded.sql, in the same
-- transaction as the crawl's items, and again after retention prunes), so that staging is one anti-join
-- with this small table instead of a window over every item ever crawled:
-- - reason 'newer': a crawled item a newer record of the same URL supersedes. A URL is its path and
--   query within the county (another scheme, host or port is the same item); the newest crawl's record
--   wins, and of two records of one crawl that share a path (two hosts) the smaller URL;
-- - reason 'repost': a newest record reposting (repost_of) an original that is itself among the
--   county's newest records — a column lists it, the count takes the original.
CREATE TABLE IF NOT EXISTS raw_superseded_items (
    crawl_id     VARCHAR NOT NULL,
    county_slug  VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,   -- newer | repost
    PRIMARY KEY (crawl_id, county_slug, url)
);
