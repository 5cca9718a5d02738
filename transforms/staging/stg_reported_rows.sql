-- Grain: one printed row of the load that counts for a county and period.
-- Resolves the printed name through the registry (aliases, county prefixes, validity period)
-- and computes what the rank checks need:
--   rank_conflicts: rows of the same table with a lower count but a better printed rank;
--   rank_missing:   no usable rank in a table that has a rank column.
WITH source AS (
    SELECT * FROM raw_reported_rows
),

loads AS (
    SELECT * FROM stg_loads
),

tables AS (
    SELECT * FROM raw_reported_tables
),

names AS (
    SELECT * FROM stg_unit_names
),

rows AS (
    SELECT l.county_slug, l.county, l.period, l.period_start, l.period_end, l.source_name,
           t.category, t.has_rank_column, r.*
    FROM source r
    JOIN loads l USING (load_id)
    JOIN tables t USING (load_id, table_no)
),

resolved AS (
    SELECT rows.*, n.unit_id, n.unit AS registry_unit, n.short_name, n.display_order,
           n.category AS registry_category
    FROM rows
    LEFT JOIN names n
      ON n.county_slug = rows.county_slug
     AND n.name = rows.unit_name
     AND (n.valid_from IS NULL OR n.valid_from <= rows.period_end)
     AND (n.valid_to IS NULL OR n.valid_to >= rows.period_start)
),

final AS (
    SELECT r.county_slug, r.county, r.period, r.period_start, r.period_end, r.source_name,
           r.table_no, r.row_no, r.category, r.has_rank_column,
           r.unit_raw, r.unit_name, r.unit_id,
           coalesce(r.registry_unit, r.unit_raw) AS unit,
           coalesce(r.short_name, r.unit_raw) AS short_name,
           coalesce(r.unit_id, 'name:' || r.unit_name) AS unit_key,
           r.display_order, r.registry_category,
           r.count_raw, r.count, r.rank_raw, r.rank, r.line, r.table_row, r."where",
           (SELECT count(*) FROM rows o
             WHERE o.load_id = r.load_id AND o.table_no = r.table_no
               AND o.count < r.count AND o.rank < r.rank) AS rank_conflicts,
           (r.has_rank_column AND r.rank IS NULL) AS rank_missing,
           (SELECT count(*) > 0 FROM ref_units u WHERE u.county_slug = r.county_slug) AS registry_loaded
    FROM resolved r
)

SELECT * FROM final
