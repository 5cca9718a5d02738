-- Grain: county × period. The total stated in the bulletin's text against the tables' sum, for the
-- source the period's counts come from (period_counts_source): the loaded bulletin or unit report,
-- or the crawl (source_kind 'crawl': no text, so no stated total).
WITH source AS (
    SELECT * FROM period_counts_source WHERE county_slug = $county_slug AND period = $period
),
tables AS (
    SELECT count(*) AS tables, coalesce(sum(sum), 0) AS sum_of_tables
    FROM category_period_totals
    WHERE county_slug = $county_slug AND period = $period
),
reported AS (
    SELECT l.county_slug, l.county, l.period, l.period_kind, l.period_start, l.period_end,
           l.source_kind, l.source_name, l.source_sha256, l.title,
           t.tables, t.sum_of_tables,
           l.stated_total AS stated_in_text, l.stated_total_where, l.stated_total_sentence,
           'reported' AS counts_source, CAST(NULL AS DATE) AS crawled_on
    FROM stg_loads l, tables t
    WHERE l.county_slug = $county_slug AND l.period = $period
      AND (SELECT counts_source FROM source) = 'reported'
),
crawled AS (
    SELECT s.county_slug, s.county, s.period, $period_kind AS period_kind,
           CAST($period_start AS DATE) AS period_start, CAST($period_end AS DATE) AS period_end,
           'crawl' AS source_kind, s.portal AS source_name, s.crawl_id AS source_sha256, CAST(NULL AS VARCHAR) AS title,
           t.tables, t.sum_of_tables,
           CAST(NULL AS INTEGER) AS stated_in_text, CAST(NULL AS VARCHAR) AS stated_total_where,
           CAST(NULL AS VARCHAR) AS stated_total_sentence,
           'crawl' AS counts_source, s.crawled_on
    FROM source s, tables t
    WHERE s.counts_source = 'crawl'
),
final AS (
    SELECT * FROM reported
    UNION ALL BY NAME
    SELECT * FROM crawled
)
SELECT * FROM final
