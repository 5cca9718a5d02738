-- {table}: a table of the warehouse, read to its end (a damaged block fails its checksum).
SELECT count(*) FROM {table}
