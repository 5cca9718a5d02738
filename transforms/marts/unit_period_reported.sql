-- Grain: county × period × unit. Items per unit as the period's loaded bulletin or unit report
-- prints them (one row per unit: a unit printed twice is summed, its rows kept in source_where),
-- for every county × period of the build's scope (run_scope).
WITH source AS (
    SELECT * FROM stg_reported_rows
),

scope AS (
    SELECT county_slug, period FROM run_scope
),

scoped AS (
    SELECT r.*
    FROM source r
    JOIN scope s ON s.county_slug = r.county_slug AND s.period = r.period
),

final AS (
    SELECT county_slug, county, period, period_start, period_end, category, unit_key,
           any_value(unit_id) AS unit_id, any_value(unit) AS unit, any_value(short_name) AS short_name,
           min(display_order) AS display_order, min(table_no) AS table_no,
           sum(count) AS count, min(rank) AS rank_printed, count(*) AS source_rows,
           string_agg("where", '；' ORDER BY row_no) AS source_where
    FROM scoped
    GROUP BY ALL
)

SELECT * FROM final
