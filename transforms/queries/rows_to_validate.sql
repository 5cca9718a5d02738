SELECT * FROM stg_reported_rows
WHERE county_slug = $county_slug AND period = $period
ORDER BY table_no, row_no
