-- Grain: county × column. The columns of each county's newest crawl, with the owning unit
-- resolved through the registry and the longest allowed gap for the column (its own override,
-- else its type's, else "other").
WITH source AS (
    SELECT * FROM raw_crawl_columns
),

newest AS (
    SELECT county_slug, crawl_id FROM raw_crawls
    QUALIFY row_number() OVER (PARTITION BY county_slug ORDER BY loaded_at DESC, crawl_id DESC) = 1
),

names AS (
    SELECT DISTINCT county_slug, name, unit_id, unit, category FROM stg_unit_names
),

max_age AS (
    SELECT * FROM ref_rule_max_age
),

final AS (
    SELECT c.county_slug, c."column", c.url, coalesce(c.column_type, 'other') AS column_type,
           -- a column answered 304 on a re-crawl is as reachable as one read again
           CASE WHEN c.status = 'not_modified' THEN 'ok' ELSE c.status END AS status, c.reason,
           c.unit_raw, n.unit_id, coalesce(n.unit, c.unit_raw) AS unit, n.category,
           coalesce(oc.max_age, ot.max_age, oo.max_age, '6 months') AS max_age
    FROM source c
    JOIN newest USING (county_slug, crawl_id)
    LEFT JOIN names n ON n.county_slug = c.county_slug AND n.name = c.unit_name
    LEFT JOIN max_age oc ON oc.county_slug = c.county_slug AND oc.scope = 'column' AND oc.key = c."column"
    LEFT JOIN max_age ot ON ot.county_slug = c.county_slug AND ot.scope = 'type' AND ot.key = c.column_type
    LEFT JOIN max_age oo ON oo.county_slug = c.county_slug AND oo.scope = 'type' AND oo.key = 'other'
)

SELECT * FROM final
