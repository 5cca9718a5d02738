-- Grain: report × table × row × column (cells of the newest review load; NULL = blank cell).
WITH source AS (
    SELECT * FROM raw_annual_cells
),

loads AS (
    SELECT load_id, county_slug, year FROM stg_annual_loads
),

final AS (
    SELECT c.*, l.county_slug, l.year
    FROM source c
    JOIN loads l USING (load_id)
)

SELECT * FROM final
