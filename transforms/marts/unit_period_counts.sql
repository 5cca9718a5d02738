-- Grain: county × period × unit. Items per unit with its rank inside its category, from the source
-- period_counts_source chose: the reported tables, or the crawl — then every registered unit valid
-- in the period is a row (zeros included), counted by the distinct items it published
-- (unit_period_crawled: 发布机构 through the registry, reposts once, 发布日期 in the period).
-- For every county × period of the build's scope (run_scope); ranks are within a county × period.
-- rank: ordinal (1..N, no shared ranks), ties broken by the registry's display order (the
--       office's own list order; docs/domain.md §1), then by name — reproduces the seed's tables.
-- rank_competition: the same order with shared ranks for equal counts (1, 2, 2, 4).
-- rank_printed: the rank as the source printed it, for comparison.
-- score: for a county with [scoring] (ref_scoring, docs/rules.md "Scores"), the points of the unit count at its
--       source's weight plus those of the period's adoptions (stg_adoption_counts); NULL for a county that does
--       not score. With rank_by = score, both ranks order by score first (ties then by count, as above).
WITH source AS (
    SELECT * FROM period_counts_source
),

scope AS (
    SELECT * FROM run_scope
),

sources AS (
    SELECT s.county_slug, s.period, s.counts_source, s.county
    FROM source s
    JOIN scope USING (county_slug, period)
),

reported AS (
    SELECT r.county_slug, r.county, r.period, r.period_start, r.period_end, r.table_no, r.category, r.unit_key,
           r.unit_id, r.unit, r.short_name, r.display_order, r.count, r.rank_printed, r.source_rows, r.source_where
    FROM unit_period_reported r
    JOIN sources s ON s.county_slug = r.county_slug AND s.period = r.period
    WHERE s.counts_source = 'reported'
),

registered AS (
    SELECT u.county_slug, s.period, s.period_start, s.period_end,
           u.unit_id, u.unit, u.short_name, u.category, u.display_order,
           -- 附件1 县直部门, 附件2 乡镇, any other category after them
           dense_rank() OVER (PARTITION BY u.county_slug, s.period
                              ORDER BY CASE u.category WHEN '县直部门' THEN 0 WHEN '乡镇' THEN 1 ELSE 2 END,
                                       u.category) AS table_no
    FROM ref_units u
    JOIN scope s ON s.county_slug = u.county_slug
    WHERE (u.valid_from IS NULL OR u.valid_from <= s.period_end)
      AND (u.valid_to IS NULL OR u.valid_to >= s.period_start)
),

crawled AS (
    SELECT r.county_slug, s.county, r.period, r.period_start, r.period_end,
           r.table_no, r.category, r.unit_id AS unit_key, r.unit_id, r.unit, r.short_name, r.display_order,
           coalesce(c.crawled, 0) AS count, CAST(NULL AS INTEGER) AS rank_printed, 1 AS source_rows,
           '门户采集' AS source_where
    FROM registered r
    JOIN sources s ON s.county_slug = r.county_slug AND s.period = r.period
    LEFT JOIN unit_period_crawled c
           ON c.county_slug = r.county_slug AND c.period = r.period AND c.unit_id = r.unit_id
    WHERE s.counts_source = 'crawl'
),

units AS (
    SELECT *, 'reported' AS counts_source FROM reported
    UNION ALL BY NAME
    SELECT *, 'crawl' AS counts_source FROM crawled
),

scoring AS (
    SELECT * FROM ref_scoring
),

weights AS (
    SELECT * FROM ref_scoring_weights
),

adopted AS (
    SELECT a.county_slug, a.period, a.unit_id, sum(a.count * w.weight) AS points
    FROM stg_adoption_counts a
    JOIN scope USING (county_slug, period)
    JOIN scoring g ON g.county_slug = a.county_slug AND g.count_source <> a.source
    JOIN weights w ON w.county_slug = a.county_slug AND w.source = a.source
    WHERE a.unit_id IS NOT NULL
    GROUP BY a.county_slug, a.period, a.unit_id
),

scored AS (
    SELECT u.*, g.rank_by,
           CASE WHEN g.county_slug IS NOT NULL
                THEN coalesce(u.count, 0) * coalesce(w.weight, 0) + coalesce(a.points, 0) END AS score
    FROM units u
    LEFT JOIN scoring g ON g.county_slug = u.county_slug
    LEFT JOIN weights w ON w.county_slug = u.county_slug AND w.source = g.count_source
    LEFT JOIN adopted a ON a.county_slug = u.county_slug AND a.period = u.period AND a.unit_id = u.unit_id
),

ranked AS (
    SELECT *, CASE WHEN rank_by = 'score' THEN score ELSE count END AS rank_value
    FROM scored
),

final AS (
    SELECT county_slug, county, period, period_start, period_end, table_no, category,
           unit_key, unit_id, unit, short_name, display_order, count,
           row_number() OVER (PARTITION BY county_slug, period, category
                              ORDER BY rank_value DESC NULLS LAST, count DESC NULLS LAST,
                                       display_order ASC NULLS LAST, unit) AS rank,
           rank() OVER (PARTITION BY county_slug, period, category ORDER BY rank_value DESC NULLS LAST)
               AS rank_competition,
           rank_printed, source_rows, source_where, counts_source, score
    FROM ranked
)

SELECT * FROM final
