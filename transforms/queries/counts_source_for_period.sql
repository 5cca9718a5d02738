SELECT * FROM period_counts_source
WHERE county_slug = $county_slug AND period = $period
