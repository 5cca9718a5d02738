-- Template: one county × period of a mart to a Parquet file at $path ({table}; {columns}: the
-- mart's columns without the partition keys, sums cast to BIGINT; {order}: the sort columns).
COPY (SELECT {columns} FROM {table} WHERE county_slug = $county_slug AND period = $period ORDER BY {order})
TO $path (FORMAT parquet, COMPRESSION zstd)
