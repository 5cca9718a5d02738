SELECT count(*) FROM unit_period_counts WHERE county_slug = $county_slug AND period = $period
