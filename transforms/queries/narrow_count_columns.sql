-- Grain: one row per raw count column still typed INTEGER (warehouses created before counts were
-- 64-bit); the runner widens each to BIGINT once (in this warehouse, not in one attached beside it).
SELECT table_name, column_name
FROM information_schema.columns
WHERE data_type = 'INTEGER'
  AND table_schema = 'main' AND table_catalog = current_database()
  AND (table_name, column_name) IN (
      ('raw_reported_rows', 'count'), ('raw_reported_rows', 'rank'),
      ('raw_reported_tables', 'printed_total'), ('raw_loads', 'stated_total'))
