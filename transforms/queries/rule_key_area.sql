SELECT * FROM rule_key_area
WHERE county_slug = $county_slug AND period = $period
ORDER BY display_order, unit, year, kind
