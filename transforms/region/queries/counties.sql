-- One row per county of the period, in rank order, with its items per category as a map.
SELECT c.county_slug, c.county, c.units, c.items, c.sum_of_tables, c.stated_in_text, c.rank, c.counties,
       c.source_name, c.source_sha256,
       (SELECT map_from_entries(list({'key': r.category, 'value': {'items': r.items, 'rank': r.rank,
                                                                   'units': r.units}}
                                     ORDER BY r.category_order))
        FROM region_county_ranking r
        WHERE r.county_slug = c.county_slug AND r.period = c.period AND r.category <> '合计') AS by_category
FROM region_counties c
WHERE c.period = $period
ORDER BY c.rank
