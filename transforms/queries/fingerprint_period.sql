-- A content hash of everything the checks look at for one county and period: an unchanged
-- period hashes the same, so the validate task's cache can skip Great Expectations.
SELECT md5(
    coalesce((SELECT string_agg(concat_ws('|', table_no, row_no, unit_key, count_raw, count, rank_raw, rank,
                                          rank_conflicts, rank_missing, unit_id, "where", registry_loaded), '\n'
                                ORDER BY table_no, row_no)
              FROM stg_reported_rows WHERE county_slug = $county_slug AND period = $period), '')
    || '#' ||
    coalesce((SELECT string_agg(concat_ws('|', table_no, category, rows, sum, printed_total, printed_total_raw,
                                          total_where), '\n' ORDER BY table_no)
              FROM category_period_totals WHERE county_slug = $county_slug AND period = $period), '')
    || '#' ||
    coalesce((SELECT string_agg(concat_ws('|', source_sha256, source_kind, sum_of_tables, stated_in_text,
                                          stated_total_where), '\n')
              FROM period_totals WHERE county_slug = $county_slug AND period = $period), '')
    || '#' ||
    coalesce((SELECT string_agg(concat_ws('|', unit_key, unit, category, reported, crawled, difference,
                                          example_url), '\n' ORDER BY unit_key)
              FROM reconciliation WHERE county_slug = $county_slug AND period = $period), '')
)
