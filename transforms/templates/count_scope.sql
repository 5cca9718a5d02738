-- Template: rows a mart ({table}) holds for the pairs the build was asked for (run_scope.requested).
SELECT count(*) FROM {table} t
JOIN run_scope s ON s.county_slug = t.county_slug AND s.period = t.period
WHERE s.requested
