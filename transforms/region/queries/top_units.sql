-- The units that published most in the region, per category: the first $top of each.
WITH orders AS (
    SELECT DISTINCT category, category_order FROM region_county_ranking WHERE period = $period
)
SELECT u.category, u.rank_in_region, u.county_slug, u.county, u.unit, u.short_name, u.count, u.rank_in_county
FROM region_units u
LEFT JOIN orders o USING (category)
WHERE u.period = $period AND u.rank_in_region <= $top
ORDER BY o.category_order, u.category, u.rank_in_region
