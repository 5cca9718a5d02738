-- Template: a staging view computed once for a build ({table}): a temporary table of the same name, which
-- the marts of the build read in its place (the temporary schema is searched first); dropped after.
-- Only the build's counties (run_scope) are computed.
CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM main.{table}
WHERE county_slug IN (SELECT county_slug FROM run_scope)
