-- Grain: county × period × unit. The count a unit reported (the loaded bulletin's or unit report's
-- table, whichever source the bulletin uses) against the count measured on the portal; only for
-- periods that have both sources.
WITH reported AS (
    SELECT * FROM unit_period_reported WHERE county_slug = $county_slug AND period = $period
),
crawled AS (
    SELECT * FROM unit_period_crawled WHERE county_slug = $county_slug AND period = $period
),
has_crawl AS (
    SELECT count(*) > 0 AS yes FROM raw_crawls WHERE county_slug = $county_slug
)
SELECT $county_slug AS county_slug, $period AS period,
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
FULL OUTER JOIN crawled c ON c.unit_key = r.unit_key
WHERE (SELECT yes FROM has_crawl) AND EXISTS (SELECT 1 FROM reported)
