-- Rule column_freshness (docs/rules.md). Grain: county × period × column.
-- At the period's end, a column is overdue when its newest dated item is older than the
-- column's allowed gap; blank when it never listed an item; undated when none of its items shows
-- a publish date (an item without a visible date counts as not updated: 国办秘函〔2019〕19号).
WITH items AS (
    SELECT county_slug, "column", count(*) AS items,
           count(*) FILTER (WHERE publish_date IS NULL) AS undated_items,
           max(publish_date) FILTER (WHERE publish_date <= $period_end) AS last_publish
    FROM stg_column_items
    WHERE county_slug = $county_slug
    GROUP BY ALL
)
SELECT c.county_slug, $period AS period, c."column", c.url, c.column_type, c.unit, c.unit_id, c.category,
       c.status AS crawl_status, c.max_age,
       coalesce(i.items, 0) AS items, coalesce(i.undated_items, 0) AS undated_items, i.last_publish,
       CASE WHEN i.last_publish IS NULL THEN NULL
            ELSE CAST($period_end AS DATE) - i.last_publish END AS days_since,
       CASE
           WHEN c.status IN ('blocked', 'missing', 'error') THEN 'unreachable'
           -- not read (e.g. the crawl's time budget ran out first): not evidence of a blank column
           WHEN c.status = 'partial' AND coalesce(i.items, 0) = 0 THEN 'unreachable'
           WHEN coalesce(i.items, 0) = 0 THEN 'blank'
           WHEN i.last_publish IS NULL THEN 'undated'
           WHEN i.last_publish + CAST(c.max_age AS INTERVAL) < CAST($period_end AS DATE) THEN 'overdue'
           ELSE 'ok'
       END AS verdict
FROM stg_crawl_columns c
LEFT JOIN items i USING (county_slug, "column")
WHERE c.county_slug = $county_slug
