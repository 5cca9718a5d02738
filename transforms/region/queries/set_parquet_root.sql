-- Statement: the session variable the region's source views read their Parquet root from.
SET VARIABLE zwgk_parquet_root = $root
