-- The categories of the period in table order (合计 last), with the region's items in each.
SELECT category, category_order, sum(items) AS items, sum(units) AS units, count(*) AS counties
FROM region_county_ranking
WHERE period = $period
GROUP BY category, category_order
ORDER BY category_order, category
