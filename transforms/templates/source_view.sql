-- Template: the temporary view {view} (src_<mart>) over a mart's Parquet partitions under the folder in
-- the session variable zwgk_parquet_root (hive layout, read in place; {folder}: the mart).
CREATE OR REPLACE TEMP VIEW {view} AS
SELECT * FROM read_parquet(getvariable('zwgk_parquet_root') || '/{folder}/*/*/*.parquet',
                           hive_partitioning = true, union_by_name = true,
                           hive_types = {'county_slug': VARCHAR, 'period': VARCHAR})
