SELECT * FROM category_period_totals
WHERE list_contains($county_slugs, county_slug) AND period = $period
ORDER BY county_slug, table_no
