SELECT * FROM category_period_totals
WHERE county_slug = $county_slug AND period = $period
ORDER BY table_no
