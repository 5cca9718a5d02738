-- Grain: county × period. The load that counts for each period: the newest one ingested.
WITH source AS (
    SELECT * FROM raw_loads
),

final AS (
    SELECT *
    FROM source
    QUALIFY row_number() OVER (PARTITION BY county_slug, period ORDER BY loaded_at DESC, load_id DESC) = 1
)

SELECT * FROM final
