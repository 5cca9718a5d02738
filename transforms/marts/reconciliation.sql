-- Grain: county × period × unit. The count a unit reported (the loaded bulletin's or unit report's
-- table, whichever source the bulletin uses) against the count measured on the portal; only for
-- periods that have both sources; for every county × period of the build's scope (run_scope).
WITH source AS (
    SELECT * FROM unit_period_reported
),

scope AS (
    SELECT county_slug, period FROM run_scope
),

reported AS (
    SELECT r.* FROM source r JOIN scope s ON s.county_slug = r.county_slug AND s.period = r.period
),

crawled AS (
    SELECT c.* FROM unit_period_crawled c JOIN scope s ON s.county_slug = c.county_slug AND s.period = c.period
),

both_sources AS (
    SELECT s.county_slug, s.period
    FROM scope s
    WHERE EXISTS (SELECT 1 FROM raw_crawls c WHERE c.county_slug = s.county_slug)
      AND EXISTS (SELECT 1 FROM reported r WHERE r.county_slug = s.county_slug AND r.period = s.period)
),

final AS (
    SELECT b.county_slug, b.period,
           coalesce(r.unit_key, c.unit_key) AS unit_key,
           coalesce(r.unit, c.unit) AS unit,
           coalesce(r.category, c.category, '（未知）') AS category,
           coalesce(r.display_order, c.display_order) AS display_order,
           r.count AS reported,
           coalesce(c.crawled, 0) AS crawled,
           coalesce(c.crawled, 0) - coalesce(r.count, 0) AS difference,
           r.unit_key IS NULL AS only_crawled,
           c.example_url
    FROM reported r
    FULL OUTER JOIN crawled c
           ON c.county_slug = r.county_slug AND c.period = r.period AND c.unit_key = r.unit_key
    JOIN both_sources b
           ON b.county_slug = coalesce(r.county_slug, c.county_slug) AND b.period = coalesce(r.period, c.period)
)

SELECT * FROM final
