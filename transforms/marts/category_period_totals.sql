-- Grain: county × period × attachment table. The sum of the rows against the printed 合计 (reported
-- tables), or the crawl's table per registry category (no printed 合计: nothing to compare); for
-- every county × period of the build's scope (run_scope).
WITH source AS (
    SELECT * FROM period_counts_source
),

scope AS (
    SELECT county_slug, period FROM run_scope
),

counts_source AS (
    SELECT s.county_slug, s.period, s.counts_source
    FROM source s
    JOIN scope USING (county_slug, period)
),

reported AS (
    SELECT t.county_slug, t.county, t.period, t.table_no, t.category, t.title,
           count(r.row_no) AS rows,
           coalesce(sum(r.count), 0) AS sum,
           t.printed_total, t.printed_total_raw, t.total_where
    FROM stg_reported_tables t
    JOIN counts_source c ON c.county_slug = t.county_slug AND c.period = t.period AND c.counts_source = 'reported'
    LEFT JOIN stg_reported_rows r ON r.county_slug = t.county_slug AND r.period = t.period AND r.table_no = t.table_no
    GROUP BY ALL
),

crawled AS (
    SELECT u.county_slug, any_value(u.county) AS county, u.period, u.table_no, u.category,
           CAST(NULL AS VARCHAR) AS title,
           count(*) AS rows, coalesce(sum(u.count), 0) AS sum,
           CAST(NULL AS INTEGER) AS printed_total, CAST(NULL AS VARCHAR) AS printed_total_raw,
           CAST(NULL AS VARCHAR) AS total_where
    FROM unit_period_counts u
    JOIN scope s ON s.county_slug = u.county_slug AND s.period = u.period
    WHERE u.counts_source = 'crawl'
    GROUP BY u.county_slug, u.period, u.table_no, u.category
),

final AS (
    SELECT * FROM reported
    UNION ALL BY NAME
    SELECT * FROM crawled
)

SELECT * FROM final
