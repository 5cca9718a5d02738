-- Grain: county × year. The annual review load that counts: the newest one.
WITH source AS (
    SELECT * FROM raw_annual_loads
),

final AS (
    SELECT *
    FROM source
    QUALIFY row_number() OVER (PARTITION BY county_slug, year ORDER BY loaded_at DESC, load_id DESC) = 1
)

SELECT * FROM final
