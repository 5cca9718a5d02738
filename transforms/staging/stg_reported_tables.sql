-- Grain: county × period × attachment table, from the load that counts.
SELECT l.county_slug, l.county, l.period, l.period_start, l.period_end, l.source_name,
       t.table_no, t.category, t.title, t.has_rank_column,
       t.printed_total_raw, t.printed_total, t.total_where, t.table_where
FROM raw_reported_tables t
JOIN stg_loads l USING (load_id)
