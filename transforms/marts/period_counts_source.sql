-- Grain: county × period (one row per pair of the build's scope, run_scope). Where the period's unit
-- counts come from, per the county's [counts] source (docs/counts.md): 'reported' (a bulletin or unit
-- report loaded for the period) or 'crawl' (the portal's items, by the 发布日期 on each article page).
-- auto = reported when loaded, else the crawl. The crawl can serve a period when a crawl was made
-- after the period began and it holds at least one item published in the period. counts_source is
-- NULL when the chosen source has nothing.
WITH source AS (
    SELECT * FROM run_scope
),

counties AS (
    SELECT * FROM ref_counties
),

loads AS (
    SELECT county_slug, period FROM stg_loads
),

items AS (
    SELECT county_slug, unit_id, publish_date FROM stg_crawled_items
),

setting AS (
    SELECT s.county_slug, s.period,
           coalesce(max(c.counts_source), 'auto') AS configured, max(c.county) AS county, max(c.portal) AS portal
    FROM source s
    LEFT JOIN counties c ON c.county_slug = s.county_slug
    GROUP BY s.county_slug, s.period
),

reported AS (
    SELECT s.county_slug, s.period, count(l.county_slug) > 0 AS has_reported
    FROM source s
    LEFT JOIN loads l ON l.county_slug = s.county_slug AND l.period = s.period
    GROUP BY s.county_slug, s.period
),

newest_crawl AS (
    SELECT county_slug, crawl_id, portal,
           -- loaded_at is UTC; the office's calendar is Asia/Shanghai
           CAST(loaded_at + INTERVAL 8 HOUR AS DATE) AS crawled_on
    FROM raw_crawls
    WHERE county_slug IN (SELECT county_slug FROM source)
    QUALIFY row_number() OVER (PARTITION BY county_slug ORDER BY loaded_at DESC, crawl_id DESC) = 1
),

crawled AS (
    SELECT s.county_slug, s.period,
           count(i.county_slug) AS items,
           count(i.county_slug) FILTER (WHERE i.unit_id IS NULL) AS items_unknown_publisher
    FROM source s
    LEFT JOIN items i ON i.county_slug = s.county_slug AND i.publish_date BETWEEN s.period_start AND s.period_end
    GROUP BY s.county_slug, s.period
),

available AS (
    SELECT s.county_slug, s.period, st.configured, st.county, r.has_reported,
           coalesce(n.crawled_on >= s.period_start AND c.items > 0, false) AS has_crawl,
           n.crawl_id, n.crawled_on, coalesce(st.portal, n.portal) AS portal,
           c.items AS crawled_items, c.items_unknown_publisher
    FROM source s
    JOIN setting st ON st.county_slug = s.county_slug AND st.period = s.period
    JOIN reported r ON r.county_slug = s.county_slug AND r.period = s.period
    JOIN crawled c ON c.county_slug = s.county_slug AND c.period = s.period
    LEFT JOIN newest_crawl n ON n.county_slug = s.county_slug
),

final AS (
    SELECT a.*,
           CASE
               WHEN a.configured = 'reported' THEN CASE WHEN a.has_reported THEN 'reported' END
               WHEN a.configured = 'crawl' THEN CASE WHEN a.has_crawl THEN 'crawl' END
               WHEN a.has_reported THEN 'reported'
               WHEN a.has_crawl THEN 'crawl'
           END AS counts_source
    FROM available a
)

SELECT * FROM final
