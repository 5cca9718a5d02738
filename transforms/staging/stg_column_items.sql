-- Grain: column × item. Every item each column lists (reposts included: they are in the column),
-- from the newest crawl record of each URL; a URL is identified by its path and query within the
-- county, as in stg_crawled_items (another scheme, host or port is the same item).
WITH latest AS (
    SELECT i.*
    FROM raw_crawled_items i
    JOIN raw_crawls c USING (crawl_id, county_slug)
    QUALIFY row_number() OVER (PARTITION BY i.county_slug, regexp_replace(i.url, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*', '')
                              ORDER BY c.loaded_at DESC, i.crawl_id DESC) = 1
)
SELECT county_slug, unnest(CASE WHEN len(columns) > 0 THEN columns ELSE [ "column" ] END) AS "column",
       url, title, publish_date
FROM latest
