-- Grain: county × year × finding of the annual-report checks, for every county × year (period = the
-- year) of the build's scope (run_scope).
WITH source AS (
    SELECT * FROM stg_annual_findings
),

scope AS (
    SELECT county_slug, period FROM run_scope
),

loads AS (
    SELECT l.load_id, s.county_slug, s.period
    FROM stg_annual_loads l
    JOIN scope s ON s.county_slug = l.county_slug AND s.period = CAST(l.year AS VARCHAR)
),

final AS (
    SELECT l.county_slug, l.period, f.finding_no, f.unit_id, f.unit, f.code, f.severity,
           f.message, f."where", r.source
    FROM source f
    JOIN loads l USING (load_id)
    LEFT JOIN stg_annual_reports r USING (load_id, report_no)
)

SELECT * FROM final
