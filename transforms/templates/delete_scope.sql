-- Template: delete the county × period partitions of the build's scope (run_scope) from a mart ({table}).
DELETE FROM {table} WHERE (county_slug, period) IN (SELECT county_slug, period FROM run_scope)
