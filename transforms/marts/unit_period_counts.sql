-- Grain: county × period × unit. Items per unit with its rank inside its category.
-- rank: ordinal (1..N, no shared ranks), ties broken by the registry's display order (the
--       office's own list order; docs/domain.md §1), then by name — reproduces the seed's tables.
-- rank_competition: the same order with shared ranks for equal counts (1, 2, 2, 4).
-- rank_printed: the rank as the source printed it, for comparison.
WITH units AS (
    SELECT county_slug, county, period, period_start, period_end, category, unit_key,
           any_value(unit_id) AS unit_id, any_value(unit) AS unit, any_value(short_name) AS short_name,
           min(display_order) AS display_order, min(table_no) AS table_no,
           sum(count) AS count, min(rank) AS rank_printed, count(*) AS source_rows,
           string_agg("where", '；' ORDER BY row_no) AS source_where
    FROM stg_reported_rows
    WHERE county_slug = $county_slug AND period = $period
    GROUP BY ALL
)
SELECT county_slug, county, period, period_start, period_end, table_no, category,
       unit_key, unit_id, unit, short_name, display_order, count,
       row_number() OVER (PARTITION BY category ORDER BY count DESC NULLS LAST,
                          display_order ASC NULLS LAST, unit) AS rank,
       rank() OVER (PARTITION BY category ORDER BY count DESC NULLS LAST) AS rank_competition,
       rank_printed, source_rows, source_where
FROM units
