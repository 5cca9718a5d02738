SELECT * FROM reconciliation
WHERE list_contains($county_slugs, county_slug) AND period = $period
ORDER BY county_slug, category, display_order NULLS LAST, unit
