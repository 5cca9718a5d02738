-- Grain: one URL of a county's portal, as its newest crawl recorded it — reposts included (a column
-- lists them). A URL is identified by its path and query within the county, so the same article
-- reached through another scheme, host or port (http → https, www. or not, a moved mirror) is one URL:
-- the records a newer one supersedes are listed at load time (raw_superseded_items, reason 'newer')
-- and left out here.
-- Narrow: what the marts read, no body text. The format facts are numbers the crawler computed from the
-- page (docs/rules.md, "formatting"); a crawl made before it stored space_run_lengths has them computed
-- here from its stored paragraphs, as the crawler would (the runs of U+0020, U+00A0, U+3000 after the
-- paragraph's leading indent).
WITH source AS (
    SELECT * FROM raw_crawled_items
),

crawls AS (
    SELECT crawl_id, county_slug FROM raw_crawls
),

superseded AS (
    SELECT crawl_id, county_slug, url FROM raw_superseded_items WHERE reason = 'newer'
),

final AS (
    SELECT i.county_slug, i.crawl_id, i.url, i.title, i.unit_raw, i.unit_name, i."column", i.column_type,
           i.columns, i.publish_date, i.doc_date, i.doc_number, i.repost_of,
           CASE WHEN json_exists(i.format_facts, '$.space_run_lengths')
                THEN CAST(json_extract(i.format_facts, '$.space_run_lengths') AS INTEGER[])
                ELSE flatten(list_transform(
                         coalesce(CAST(json_extract(i.format_facts, '$.paragraphs') AS VARCHAR[]), []),
                         lambda p: list_transform(
                             regexp_extract_all(ltrim(p, chr(32) || chr(160) || chr(12288)),
                                                '[' || chr(32) || chr(160) || chr(12288) || ']+'),
                             lambda r: CAST(length(r) AS INTEGER))))
           END AS space_run_lengths,
           CAST(i.format_facts ->> '$.max_empty_run' AS INTEGER) AS max_empty_run,
           CAST(i.format_facts ->> '$.max_table_columns' AS INTEGER) AS max_table_columns,
           CAST(i.format_facts ->> '$.max_table_width_px' AS DOUBLE) AS max_table_width_px,
           CAST(i.format_facts ->> '$.has_word_markup' AS BOOLEAN) AS word_markup
    FROM source i
    SEMI JOIN crawls c ON c.crawl_id = i.crawl_id AND c.county_slug = i.county_slug
    ANTI JOIN superseded s ON s.crawl_id = i.crawl_id AND s.county_slug = i.county_slug AND s.url = i.url
)

SELECT * FROM final
