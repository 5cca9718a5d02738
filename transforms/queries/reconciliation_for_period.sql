SELECT * FROM reconciliation
WHERE county_slug = $county_slug AND period = $period
ORDER BY category, display_order NULLS LAST, unit
