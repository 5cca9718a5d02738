SELECT * FROM rule_column_freshness
WHERE county_slug = $county_slug AND period = $period
ORDER BY category NULLS LAST, unit, "column"
