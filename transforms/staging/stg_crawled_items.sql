-- Grain: one distinct item on a county's portal.
-- - the newest crawl's record of each URL (stg_latest_items: the same URL seen twice is one item, the
--   same article through another scheme, host or port too);
-- - an article reposted in a second column (repost_of = the original's URL) is the original (the
--   reposts are listed at load time: raw_superseded_items, reason 'repost');
-- - 发布机构 resolves through the registry (aliases, county prefixes, validity on the publish
--   date); an unknown publisher keeps its printed name (unit_id NULL), it is never dropped.
-- Narrow (no body text: the format facts are numbers, stg_latest_items).
-- Materialized: per build (six marts read it: runner.run_scope computes it once, not once per mart).
WITH source AS (
    SELECT * FROM stg_latest_items
),

names AS (
    SELECT * FROM stg_unit_names
),

reposts AS (
    -- a repost of an original that is itself on the portal (listed at load time): the original counts
    SELECT crawl_id, county_slug, url FROM raw_superseded_items WHERE reason = 'repost'
),

final AS (
    SELECT o.county_slug, o.crawl_id, o.url, o.title, o.unit_raw, o.unit_name,
           n.unit_id, coalesce(n.unit, o.unit_raw) AS unit, coalesce(n.short_name, o.unit_raw) AS short_name,
           n.category, n.display_order,
           coalesce(n.unit_id, 'name:' || coalesce(o.unit_name, '')) AS unit_key,
           o."column", o.column_type, o.publish_date, o.doc_date, o.doc_number,
           o.space_run_lengths, o.max_empty_run, o.max_table_columns, o.max_table_width_px, o.word_markup
    FROM source o
    ANTI JOIN reposts p ON p.crawl_id = o.crawl_id AND p.county_slug = o.county_slug AND p.url = o.url
    LEFT JOIN names n
      ON n.county_slug = o.county_slug
     AND n.name = o.unit_name
     AND (n.valid_from IS NULL OR n.valid_from <= coalesce(o.publish_date, current_date))
     AND (n.valid_to IS NULL OR n.valid_to >= coalesce(o.publish_date, DATE '1900-01-01'))
)

SELECT * FROM final
