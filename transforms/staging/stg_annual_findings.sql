-- Grain: finding (of the newest review load of its county and year).
WITH source AS (
    SELECT f.*, l.county_slug, l.year
    FROM raw_annual_findings f
    JOIN stg_annual_loads l USING (load_id)
)

SELECT * FROM source
