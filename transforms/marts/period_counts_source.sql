-- Grain: county × period. Where the period's unit counts come from, per the county's [counts]
-- source (docs/counts.md): 'reported' (a bulletin or unit report loaded for the period) or 'crawl'
-- (the portal's items, by the 发布日期 on each article page). auto = reported when loaded, else the
-- crawl. The crawl can serve a period when a crawl was made after the period began and it holds at
-- least one item published in the period. counts_source is NULL when the chosen source has nothing.
WITH setting AS (
    SELECT coalesce(max(counts_source), 'auto') AS configured, max(county) AS county, max(portal) AS portal
    FROM ref_counties
    WHERE county_slug = $county_slug
),
reported AS (
    SELECT count(*) > 0 AS has_reported
    FROM stg_loads
    WHERE county_slug = $county_slug AND period = $period
),
newest_crawl AS (
    SELECT crawl_id, portal,
           -- loaded_at is UTC; the office's calendar is Asia/Shanghai
           CAST(loaded_at + INTERVAL 8 HOUR AS DATE) AS crawled_on
    FROM raw_crawls
    WHERE county_slug = $county_slug
    ORDER BY loaded_at DESC, crawl_id DESC
    LIMIT 1
),
crawled AS (
    SELECT count(*) AS items,
           count(*) FILTER (WHERE unit_id IS NULL) AS items_unknown_publisher
    FROM stg_crawled_items
    WHERE county_slug = $county_slug AND publish_date BETWEEN $period_start AND $period_end
),
available AS (
    SELECT s.configured, s.county, r.has_reported,
           coalesce(n.crawled_on >= CAST($period_start AS DATE) AND c.items > 0, false) AS has_crawl,
           n.crawl_id, n.crawled_on, coalesce(s.portal, n.portal) AS portal,
           c.items AS crawled_items, c.items_unknown_publisher
    FROM setting s, reported r, crawled c
    LEFT JOIN newest_crawl n ON true
),
final AS (
    SELECT $county_slug AS county_slug, $period AS period, a.*,
           CASE
               WHEN a.configured = 'reported' THEN CASE WHEN a.has_reported THEN 'reported' END
               WHEN a.configured = 'crawl' THEN CASE WHEN a.has_crawl THEN 'crawl' END
               WHEN a.has_reported THEN 'reported'
               WHEN a.has_crawl THEN 'crawl'
           END AS counts_source
    FROM available a
)
SELECT * FROM final
