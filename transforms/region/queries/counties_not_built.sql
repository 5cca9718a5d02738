-- Statement: the counties of a region run ($counties) whose marts hold no partition for $period in
-- this warehouse (every built county × period has its one row in period_counts_source).
WITH source AS (
    SELECT unnest($counties) AS county_slug
)
SELECT s.county_slug
FROM source s
WHERE NOT EXISTS (SELECT 1 FROM period_counts_source p WHERE p.county_slug = s.county_slug AND p.period = $period)
ORDER BY s.county_slug
