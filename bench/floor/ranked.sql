-- Grain: one unit of the seed's tables (bench/floor/run.py, the plain-script floor): its count and
-- its ordinal rank within its table, from the seed's counts CSV joined to the registry.
WITH counts AS (
    SELECT attachment, category, unit, count FROM read_csv($counts, header = true)
),
registry AS (
    SELECT unit, display_order FROM read_csv($registry, header = true)
),
final AS (
    SELECT c.attachment, c.category, c.unit, c.count,
           row_number() OVER (PARTITION BY c.attachment ORDER BY c.count DESC, r.display_order NULLS LAST, c.unit) AS rank
    FROM counts c
    LEFT JOIN registry r USING (unit)
)
SELECT * FROM final ORDER BY attachment, rank
