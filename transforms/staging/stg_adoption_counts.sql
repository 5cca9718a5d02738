-- Grain: county × period × source × printed unit. The counts of the newest adoptions sheet loaded for each
-- county, period and source (raw_adoption_loads; an older sheet stays for the record), each printed name
-- resolved through the registry valid in the period (unit_id NULL: not in the registry, not scored).
WITH source AS (
    SELECT * FROM raw_adoption_counts
),

loads AS (
    SELECT * FROM raw_adoption_loads
),

names AS (
    SELECT * FROM stg_unit_names
),

newest AS (
    SELECT l.county_slug, l.period, l.period_start, l.period_end, l.source_name, c.*
    FROM source c
    JOIN loads l USING (load_id)
    QUALIFY dense_rank() OVER (PARTITION BY l.county_slug, l.period, c.source
                               ORDER BY l.loaded_at DESC, l.load_id DESC) = 1
),

final AS (
    SELECT a.county_slug, a.period, a.source, a.unit_raw, a.unit_name, n.unit_id, n.unit, a.count,
           a.source_name, a."where"
    FROM newest a
    LEFT JOIN names n
      ON n.county_slug = a.county_slug
     AND n.name = a.unit_name
     AND (n.valid_from IS NULL OR n.valid_from <= a.period_end)
     AND (n.valid_to IS NULL OR n.valid_to >= a.period_start)
)

SELECT * FROM final
