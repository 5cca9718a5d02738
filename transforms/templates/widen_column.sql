-- Template: widen one raw count column to BIGINT ({table}, {column}: from queries/narrow_count_columns).
ALTER TABLE {table} ALTER {column} TYPE BIGINT
