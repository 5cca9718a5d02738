-- Grain: county × period. The total stated in the bulletin's text against the tables' sum, for the
-- source the period's counts come from (period_counts_source): the loaded bulletin or unit report,
-- or the crawl (source_kind 'crawl': no text, so no stated total); for every county × period of the
-- build's scope (run_scope).
WITH source AS (
    SELECT * FROM period_counts_source
),

scope AS (
    SELECT * FROM run_scope
),

sources AS (
    SELECT s.*
    FROM source s
    JOIN scope USING (county_slug, period)
),

tables AS (
    SELECT s.county_slug, s.period, count(c.county_slug) AS tables, coalesce(sum(c.sum), 0) AS sum_of_tables
    FROM scope s
    LEFT JOIN category_period_totals c ON c.county_slug = s.county_slug AND c.period = s.period
    GROUP BY s.county_slug, s.period
),

reported AS (
    SELECT l.county_slug, l.county, l.period, l.period_kind, l.period_start, l.period_end,
           l.source_kind, l.source_name, l.source_sha256, l.title,
           t.tables, t.sum_of_tables,
           l.stated_total AS stated_in_text, l.stated_total_where, l.stated_total_sentence,
           'reported' AS counts_source, CAST(NULL AS DATE) AS crawled_on
    FROM stg_loads l
    JOIN tables t ON t.county_slug = l.county_slug AND t.period = l.period
    JOIN sources s ON s.county_slug = l.county_slug AND s.period = l.period
    WHERE s.counts_source = 'reported'
),

crawled AS (
    SELECT s.county_slug, s.county, s.period, sc.period_kind,
           sc.period_start, sc.period_end,
           'crawl' AS source_kind, s.portal AS source_name, s.crawl_id AS source_sha256, CAST(NULL AS VARCHAR) AS title,
           t.tables, t.sum_of_tables,
           CAST(NULL AS INTEGER) AS stated_in_text, CAST(NULL AS VARCHAR) AS stated_total_where,
           CAST(NULL AS VARCHAR) AS stated_total_sentence,
           'crawl' AS counts_source, s.crawled_on
    FROM sources s
    JOIN scope sc ON sc.county_slug = s.county_slug AND sc.period = s.period
    JOIN tables t ON t.county_slug = s.county_slug AND t.period = s.period
    WHERE s.counts_source = 'crawl'
),

final AS (
    SELECT * FROM reported
    UNION ALL BY NAME
    SELECT * FROM crawled
)

SELECT * FROM final
