-- Grain: one row per table or view in this warehouse's main schema: its columns with their types, in
-- order, and a view's definition (a temporary table or an attached database is not looked at). Unfiltered:
-- the caller keeps the names it asks about (a list parameter made this query several times slower).
WITH cols AS (
    SELECT table_name AS name,
           string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) AS shape
    FROM duckdb_columns()
    WHERE database_name = current_database() AND schema_name = 'main'
    GROUP BY table_name
),
views AS (
    SELECT view_name AS name, sql
    FROM duckdb_views()
    WHERE database_name = current_database() AND schema_name = 'main'
),
final AS (
    SELECT cols.name, cols.shape, coalesce(views.sql, '') AS definition
    FROM cols LEFT JOIN views USING (name)
)
SELECT name, shape, definition FROM final ORDER BY name
