-- Grain: county × year × unit (every registered unit, and every report of an unknown unit): its
-- report, when it was published, whether on time, its format and its findings; for every county ×
-- year (period = the year) of the build's scope (run_scope).
WITH source AS (
    SELECT * FROM stg_annual_loads
),

scope AS (
    SELECT county_slug, period FROM run_scope
),

loads AS (
    SELECT l.*, s.period
    FROM source l
    JOIN scope s ON s.county_slug = l.county_slug AND s.period = CAST(l.year AS VARCHAR)
),

registered AS (
    SELECT l.county_slug, l.period, u.unit_id, u.unit, u.category, u.display_order
    FROM ref_units u
    JOIN loads l ON u.county_slug = l.county_slug AND list_contains(l.registered, u.unit_id)
),

reports AS (
    SELECT l.period, r.* FROM stg_annual_reports r JOIN loads l USING (load_id)
),

findings AS (
    SELECT l.period, f.* FROM stg_annual_findings f JOIN loads l USING (load_id)
),

per_unit AS (
    SELECT coalesce(r.county_slug, g.county_slug) AS county_slug, coalesce(r.period, g.period) AS period,
           coalesce(r.unit_id, g.unit_id) AS unit_id, coalesce(r.unit, g.unit) AS unit,
           g.category, g.display_order, r.report_no, r.source, r.sha256, r.format, r.published, r.title
    FROM registered g
    FULL OUTER JOIN reports r ON r.county_slug = g.county_slug AND r.period = g.period AND r.unit_id = g.unit_id
),

counted AS (
    SELECT p.county_slug, p.period, p.unit_id, p.unit, p.category, p.display_order, p.source, p.sha256, p.title,
           p.format, p.published, p.report_no,
           count(f.code) AS findings,
           coalesce(list(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.code IS NOT NULL), []) AS codes
    FROM per_unit p
    LEFT JOIN findings f
        ON f.county_slug = p.county_slug AND f.period = p.period
       AND ((f.report_no = p.report_no) OR (f.report_no IS NULL AND p.report_no IS NULL AND f.unit_id = p.unit_id))
    GROUP BY ALL
),

final AS (
    SELECT county_slug, period, unit_id, unit, category, display_order,
           source, sha256, title, format, published,
           report_no IS NOT NULL AS has_report,
           CASE WHEN report_no IS NULL OR published IS NULL THEN NULL
                ELSE NOT list_contains(codes, 'annual_late') END AS on_time,
           findings, codes
    FROM counted
)

SELECT * FROM final
