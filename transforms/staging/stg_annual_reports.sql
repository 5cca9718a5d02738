-- Grain: report (of the newest review load of its county and year).
WITH source AS (
    SELECT * FROM raw_annual_reports
),

loads AS (
    SELECT load_id FROM stg_annual_loads
),

renamed AS (
    SELECT r.*
    FROM source r
    JOIN loads l USING (load_id)
),

final AS (
    SELECT load_id, report_no, county_slug, year, report_year, unit_printed, unit_id,
           coalesce(unit, unit_printed) AS unit, source, sha256, medium, format, title, published,
           has_total_column, body_text
    FROM renamed
)

SELECT * FROM final
