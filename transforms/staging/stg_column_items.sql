-- Grain: column × item. Every item each column lists (reposts included: they are in the column),
-- from the newest crawl record of each URL; a URL is identified by its path and query within the
-- county, as in stg_crawled_items (another scheme, host or port is the same item).
WITH source AS (
    SELECT * FROM raw_crawled_items
),

crawls AS (
    SELECT crawl_id, county_slug, loaded_at FROM raw_crawls
),

latest AS (
    SELECT i.*
    FROM source i
    JOIN crawls c USING (crawl_id, county_slug)
    QUALIFY row_number() OVER (PARTITION BY i.county_slug, regexp_replace(i.url, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*', '')
                              ORDER BY c.loaded_at DESC, i.crawl_id DESC) = 1
),

final AS (
    SELECT county_slug, unnest(CASE WHEN len(columns) > 0 THEN columns ELSE [ "column" ] END) AS "column",
           url, title, publish_date
    FROM latest
)

SELECT * FROM final
