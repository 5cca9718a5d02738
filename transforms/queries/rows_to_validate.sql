-- The printed rows of the period's loaded bulletin or unit report, when its tables are the bulletin's.
SELECT r.* FROM stg_reported_rows r
WHERE list_contains($county_slugs, r.county_slug) AND r.period = $period
  AND EXISTS (SELECT 1 FROM period_counts_source s
               WHERE s.county_slug = r.county_slug AND s.period = $period AND s.counts_source = 'reported')
ORDER BY r.county_slug, r.table_no, r.row_no
