-- Grain: county × application. The register that counts: each county's newest import.
WITH source AS (
    SELECT * FROM raw_applications
),

loads AS (
    SELECT *
    FROM raw_application_loads
    QUALIFY row_number() OVER (PARTITION BY county_slug ORDER BY loaded_at DESC, load_id DESC) = 1
),

final AS (
    SELECT
        loads.county_slug,
        loads.source AS register_file,
        source.* EXCLUDE (load_id)
    FROM source
    JOIN loads USING (load_id)
)

SELECT * FROM final
