-- The county × category ranking of the period (the checks' frame and region.json's ranking).
SELECT county_slug, county, category, category_order, units, items, rank, ranked,
       category || '#' || rank AS rank_key,
       rank BETWEEN 1 AND ranked AS rank_in_range,
       county AS "where"
FROM region_county_ranking
WHERE period = $period
ORDER BY category_order, rank
