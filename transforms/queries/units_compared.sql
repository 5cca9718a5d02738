-- Each unit of a period beside its count in an earlier period (previous half-year, or the same
-- half of the previous year). A unit that replaced another (registry successor_of: 扶贫办 →
-- 乡村振兴局) is compared with its predecessor's count.
WITH cur AS (
    SELECT * FROM unit_period_counts WHERE county_slug = $county_slug AND period = $period
),
prev AS (
    SELECT * FROM unit_period_counts WHERE county_slug = $county_slug AND period = $previous
)
SELECT cur.unit_key, cur.unit, prev.count AS previous_count, prev.rank AS previous_rank
FROM cur
LEFT JOIN ref_units r ON r.county_slug = cur.county_slug AND r.unit_id = cur.unit_id
LEFT JOIN prev ON prev.unit_key = cur.unit_key
              OR (prev.unit_id IS NOT NULL AND prev.unit_id = r.successor_of)
