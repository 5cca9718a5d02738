SELECT * FROM period_totals
WHERE county_slug = $county_slug AND period = $period
