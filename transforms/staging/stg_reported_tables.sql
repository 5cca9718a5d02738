-- Grain: county × period × attachment table, from the load that counts.
WITH source AS (
    SELECT * FROM raw_reported_tables
),

loads AS (
    SELECT * FROM stg_loads
),

final AS (
    SELECT l.county_slug, l.county, l.period, l.period_start, l.period_end, l.source_name,
           t.table_no, t.category, t.title, t.has_rank_column,
           t.printed_total_raw, t.printed_total, t.total_where, t.table_where
    FROM source t
    JOIN loads l USING (load_id)
)

SELECT * FROM final
