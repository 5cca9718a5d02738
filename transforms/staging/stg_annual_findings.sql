-- Grain: finding (of the newest review load of its county and year).
WITH source AS (
    SELECT * FROM raw_annual_findings
),

loads AS (
    SELECT load_id, county_slug, year FROM stg_annual_loads
),

final AS (
    SELECT f.*, l.county_slug, l.year
    FROM source f
    JOIN loads l USING (load_id)
)

SELECT * FROM final
