-- Grain: one row per column of a table in the main schema, in order (name and type).
SELECT column_name, data_type FROM information_schema.columns
WHERE table_name = $t AND table_schema = 'main'
ORDER BY ordinal_position
