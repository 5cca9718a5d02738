-- Template: the temporary view {view} (src_<mart>) over a county mart held in this warehouse ({table}),
-- with the columns the Parquet export writes ({columns}: sums cast to BIGINT), partition keys last.
CREATE OR REPLACE TEMP VIEW {view} AS
SELECT {columns}, county_slug, period FROM {table}
