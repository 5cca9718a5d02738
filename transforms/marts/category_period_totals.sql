-- Grain: county × period × attachment table. The sum of the rows against the printed 合计.
SELECT t.county_slug, t.county, t.period, t.table_no, t.category, t.title,
       count(r.row_no) AS rows,
       coalesce(sum(r.count), 0) AS sum,
       t.printed_total, t.printed_total_raw, t.total_where
FROM stg_reported_tables t
LEFT JOIN stg_reported_rows r USING (county_slug, period, table_no)
WHERE t.county_slug = $county_slug AND t.period = $period
GROUP BY ALL
