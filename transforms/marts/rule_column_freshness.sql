-- Grain: county × period × column (rule column_freshness, docs/rules.md), for every county × period of
-- the build's scope (run_scope). At the period's end, a column is overdue when its newest dated item
-- is older than the column's allowed gap; blank when it never listed an item; undated when none of its
-- items shows a publish date (an item without a visible date counts as not updated: 国办秘函〔2019〕19号).
WITH source AS (
    SELECT * FROM stg_crawl_columns
),

scope AS (
    SELECT county_slug, period, period_end FROM run_scope
),

column_items AS (
    SELECT * FROM stg_column_items
),

items AS (
    SELECT s.county_slug, s.period, i."column", count(*) AS items,
           count(*) FILTER (WHERE i.publish_date IS NULL) AS undated_items,
           max(i.publish_date) FILTER (WHERE i.publish_date <= s.period_end) AS last_publish
    FROM column_items i
    JOIN scope s ON s.county_slug = i.county_slug
    GROUP BY ALL
),

final AS (
    SELECT c.county_slug, s.period, c."column", c.url, c.column_type, c.unit, c.unit_id, c.category,
           c.status AS crawl_status, c.max_age,
           coalesce(i.items, 0) AS items, coalesce(i.undated_items, 0) AS undated_items, i.last_publish,
           CASE WHEN i.last_publish IS NULL THEN NULL
                ELSE s.period_end - i.last_publish END AS days_since,
           CASE
               WHEN c.status IN ('blocked', 'missing', 'error') THEN 'unreachable'
               -- not read (e.g. the crawl's time budget ran out first): not evidence of a blank column
               WHEN c.status = 'partial' AND coalesce(i.items, 0) = 0 THEN 'unreachable'
               WHEN coalesce(i.items, 0) = 0 THEN 'blank'
               WHEN i.last_publish IS NULL THEN 'undated'
               WHEN i.last_publish + CAST(c.max_age AS INTERVAL) < s.period_end THEN 'overdue'
               ELSE 'ok'
           END AS verdict
    FROM source c
    JOIN scope s ON s.county_slug = c.county_slug
    LEFT JOIN items i ON i.county_slug = c.county_slug AND i.period = s.period AND i."column" = c."column"
)

SELECT * FROM final
