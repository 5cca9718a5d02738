-- Grain: report × table × row × column (cells of the newest review load; NULL = blank cell).
WITH source AS (
    SELECT c.*, l.county_slug, l.year
    FROM raw_annual_cells c
    JOIN stg_annual_loads l USING (load_id)
)

SELECT * FROM source
