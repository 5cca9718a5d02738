SELECT * FROM unit_period_counts
WHERE county_slug = $county_slug AND period = $period
ORDER BY table_no, rank
