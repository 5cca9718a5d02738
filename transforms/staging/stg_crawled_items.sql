-- Grain: one distinct item on a county's portal.
-- - the newest crawl's record of each URL wins (the same URL seen twice is one item); a URL is
--   identified by its path and query within the county, so the same article reached through
--   another scheme, host or port (http → https, www. or not, a moved mirror) is still one item;
-- - an article reposted in a second column (repost_of = the original's URL) is the original;
-- - 发布机构 resolves through the registry (aliases, county prefixes, validity on the publish
--   date); an unknown publisher keeps its printed name (unit_id NULL), it is never dropped.
-- Materialized: per build (six marts read it: runner.run_scope computes it once, not once per mart).
WITH source AS (
    SELECT * FROM raw_crawled_items
),

crawls AS (
    SELECT crawl_id, county_slug, loaded_at FROM raw_crawls
),

names AS (
    SELECT * FROM stg_unit_names
),

latest AS (
    SELECT i.*
    FROM source i
    JOIN crawls c USING (crawl_id, county_slug)
    QUALIFY row_number() OVER (PARTITION BY i.county_slug, regexp_replace(i.url, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*', '')
                              ORDER BY c.loaded_at DESC, i.crawl_id DESC) = 1
),

originals AS (
    SELECT l.* FROM latest l
    WHERE l.repost_of IS NULL
       OR NOT EXISTS (SELECT 1 FROM latest o WHERE o.county_slug = l.county_slug AND o.url = l.repost_of)
),

final AS (
    SELECT o.county_slug, o.crawl_id, o.url, o.title, o.unit_raw, o.unit_name,
           n.unit_id, coalesce(n.unit, o.unit_raw) AS unit, coalesce(n.short_name, o.unit_raw) AS short_name,
           n.category, n.display_order,
           coalesce(n.unit_id, 'name:' || coalesce(o.unit_name, '')) AS unit_key,
           o."column", o.column_type, o.columns, o.publish_date, o.doc_date, o.doc_number, o.index_number,
           o.topic, o.fetched_at, o.body_text, o.format_facts
    FROM originals o
    LEFT JOIN names n
      ON n.county_slug = o.county_slug
     AND n.name = o.unit_name
     AND (n.valid_from IS NULL OR n.valid_from <= coalesce(o.publish_date, current_date))
     AND (n.valid_to IS NULL OR n.valid_to >= coalesce(o.publish_date, DATE '1900-01-01'))
)

SELECT * FROM final
