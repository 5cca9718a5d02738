SELECT * FROM rule_column_freshness
WHERE list_contains($county_slugs, county_slug) AND period = $period
ORDER BY county_slug, category NULLS LAST, unit, "column"
