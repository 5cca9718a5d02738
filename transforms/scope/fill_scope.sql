-- Pairs into the build's scope, as parallel lists (one row per position; periods from flows/domain/periods.py).
INSERT INTO run_scope
SELECT unnest($county_slugs), unnest($periods), unnest($period_kinds), unnest($period_starts),
       unnest($period_ends), $requested
