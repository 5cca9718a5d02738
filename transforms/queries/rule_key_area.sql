SELECT * FROM rule_key_area
WHERE list_contains($county_slugs, county_slug) AND period = $period
ORDER BY county_slug, display_order, unit, year, kind
