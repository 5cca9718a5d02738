-- Grain: county × year × unit (every registered unit, and every report of an unknown unit): its
-- report, when it was published, whether on time, its format and its findings.
WITH loads AS (
    SELECT * FROM stg_annual_loads
    WHERE county_slug = $county_slug AND CAST(year AS VARCHAR) = $period
),

registered AS (
    SELECT u.unit_id, u.unit, u.category, u.display_order
    FROM ref_units u
    JOIN loads l ON u.county_slug = l.county_slug AND list_contains(l.registered, u.unit_id)
),

reports AS (
    SELECT r.* FROM stg_annual_reports r JOIN loads USING (load_id)
),

findings AS (
    SELECT f.* FROM stg_annual_findings f JOIN loads USING (load_id)
),

per_unit AS (
    SELECT coalesce(r.unit_id, g.unit_id) AS unit_id, coalesce(r.unit, g.unit) AS unit,
           g.category, g.display_order, r.report_no, r.source, r.sha256, r.format, r.published, r.title
    FROM registered g
    FULL OUTER JOIN reports r ON r.unit_id = g.unit_id
),

counted AS (
    SELECT p.unit_id, p.unit, p.category, p.display_order, p.source, p.sha256, p.title, p.format, p.published,
           p.report_no,
           count(f.code) AS findings,
           coalesce(list(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.code IS NOT NULL), []) AS codes
    FROM per_unit p
    LEFT JOIN findings f
        ON (f.report_no = p.report_no) OR (f.report_no IS NULL AND p.report_no IS NULL AND f.unit_id = p.unit_id)
    GROUP BY ALL
),

final AS (
    SELECT $county_slug AS county_slug, $period AS period, unit_id, unit, category, display_order,
           source, sha256, title, format, published,
           report_no IS NOT NULL AS has_report,
           CASE WHEN report_no IS NULL OR published IS NULL THEN NULL
                ELSE NOT list_contains(codes, 'annual_late') END AS on_time,
           findings, codes
    FROM counted
)

SELECT * FROM final
