-- Template: rows a mart ({table}) holds per county, for the (county, period) pairs given as parallel lists.
WITH pairs AS (
    SELECT unnest($county_slugs) AS county_slug, unnest($periods) AS period
)
SELECT t.county_slug, count(*) FROM {table} t
JOIN pairs p ON p.county_slug = t.county_slug AND p.period = t.period
GROUP BY t.county_slug
