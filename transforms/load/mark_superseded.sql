-- The counties' crawled items a newer record of the same URL supersedes, and the newest records that
-- repost an original also on the portal (raw/raw_superseded_items.sql): run after
-- load/clear_superseded.sql, in the transaction that loads or prunes the counties' crawls.
INSERT INTO raw_superseded_items (crawl_id, county_slug, url, reason)
WITH crawl_age AS (
    -- 1 = the county's newest crawl
    SELECT county_slug, crawl_id,
           row_number() OVER (PARTITION BY county_slug ORDER BY loaded_at DESC, crawl_id DESC) AS age
    FROM raw_crawls
    WHERE list_contains($county_slugs, county_slug)
),

ranked AS (
    SELECT i.crawl_id, i.county_slug, i.url, i.repost_of,
           row_number() OVER (PARTITION BY i.county_slug, regexp_replace(i.url, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*', '')
                              ORDER BY a.age, i.url) AS newest
    FROM raw_crawled_items i
    JOIN crawl_age a USING (county_slug, crawl_id)
    WHERE list_contains($county_slugs, i.county_slug)
),

latest AS (
    SELECT crawl_id, county_slug, url, repost_of FROM ranked WHERE newest = 1
)

SELECT crawl_id, county_slug, url, 'newer' FROM ranked WHERE newest > 1
UNION ALL
SELECT l.crawl_id, l.county_slug, l.url, 'repost'
FROM latest l
SEMI JOIN latest o ON o.county_slug = l.county_slug AND o.url = l.repost_of
WHERE l.repost_of IS NOT NULL
