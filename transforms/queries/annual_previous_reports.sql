-- Last year's reports of a county (for annual_copied): text and cells, from the newest review load.
SELECT r.report_no, r.unit_id, r.unit, r.source, r.sha256, r.format, r.report_year, r.body_text,
       r.has_total_column, c.table_no, c.row_key, c.column_key, c.value
FROM stg_annual_reports r
LEFT JOIN stg_annual_cells c USING (load_id, report_no)
WHERE r.county_slug = $county_slug AND r.year = $year
ORDER BY r.report_no
