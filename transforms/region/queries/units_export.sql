-- Every unit of the region for the period (units.csv), by category and rank in the region.
WITH orders AS (
    SELECT DISTINCT category, category_order FROM region_county_ranking WHERE period = $period
)
SELECT u.category AS 类别, u.rank_in_region AS 排名, u.county AS 县市区, u.unit AS 单位名称,
       u.count AS 更新条数, u.rank_in_county AS 县内排名, u.county_slug, u.unit_id
FROM region_units u
LEFT JOIN orders o USING (category)
WHERE u.period = $period
ORDER BY o.category_order, u.category, u.rank_in_region
