-- Grain: county × year × finding of the annual-report checks.
WITH loads AS (
    SELECT * FROM stg_annual_loads
    WHERE county_slug = $county_slug AND CAST(year AS VARCHAR) = $period
),

final AS (
    SELECT $county_slug AS county_slug, $period AS period, f.finding_no, f.unit_id, f.unit, f.code, f.severity,
           f.message, f."where", r.source
    FROM stg_annual_findings f
    JOIN loads USING (load_id)
    LEFT JOIN stg_annual_reports r USING (load_id, report_no)
)

SELECT * FROM final
