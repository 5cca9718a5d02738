-- Grain: county × period × attachment table. The sum of the rows against the printed 合计 (reported
-- tables), or the crawl's table per registry category (no printed 合计: nothing to compare).
WITH source AS (
    SELECT counts_source FROM period_counts_source WHERE county_slug = $county_slug AND period = $period
),
reported AS (
    SELECT t.county_slug, t.county, t.period, t.table_no, t.category, t.title,
           count(r.row_no) AS rows,
           coalesce(sum(r.count), 0) AS sum,
           t.printed_total, t.printed_total_raw, t.total_where
    FROM stg_reported_tables t
    LEFT JOIN stg_reported_rows r USING (county_slug, period, table_no)
    WHERE t.county_slug = $county_slug AND t.period = $period
      AND (SELECT counts_source FROM source) = 'reported'
    GROUP BY ALL
),
crawled AS (
    SELECT county_slug, any_value(county) AS county, period, table_no, category, CAST(NULL AS VARCHAR) AS title,
           count(*) AS rows, coalesce(sum(count), 0) AS sum,
           CAST(NULL AS INTEGER) AS printed_total, CAST(NULL AS VARCHAR) AS printed_total_raw,
           CAST(NULL AS VARCHAR) AS total_where
    FROM unit_period_counts
    WHERE county_slug = $county_slug AND period = $period AND counts_source = 'crawl'
    GROUP BY county_slug, period, table_no, category
),
final AS (
    SELECT * FROM reported
    UNION ALL BY NAME
    SELECT * FROM crawled
)
SELECT * FROM final
