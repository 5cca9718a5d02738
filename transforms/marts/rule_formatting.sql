-- Grain: county × period × item published in the period (rule formatting, docs/rules.md), for every
-- county × period of the build's scope (run_scope). Copy-pasted layout the seed bulletin complains
-- about: runs of spaces (U+0020, U+00A0, U+3000) inside a paragraph (a paragraph's leading indent is
-- not a run), consecutive empty paragraphs, tables too wide for the page, pasted Word markup.
-- Thresholds from ref_rule_settings (per county).
WITH source AS (
    SELECT * FROM stg_crawled_items
),

scope AS (
    SELECT county_slug, period, period_start, period_end FROM run_scope
),

settings AS (
    SELECT s.county_slug, s.period,
        max(CASE WHEN r.name = 'formatting.min_space_run' THEN CAST(r.value AS INTEGER) END) AS min_space_run,
        max(CASE WHEN r.name = 'formatting.min_empty_run' THEN CAST(r.value AS INTEGER) END) AS min_empty_run,
        max(CASE WHEN r.name = 'formatting.max_table_columns' THEN CAST(r.value AS INTEGER) END) AS max_cols,
        max(CASE WHEN r.name = 'formatting.max_table_width_px' THEN CAST(r.value AS INTEGER) END) AS max_width
    FROM scope s
    LEFT JOIN ref_rule_settings r ON r.county_slug = s.county_slug
    GROUP BY s.county_slug, s.period
),

items AS (
    -- the columns this rule reads (an item's body text is not carried through)
    SELECT s.period, i.county_slug, i.url, i.title, i.unit, i.unit_id, i.category, i."column", i.publish_date,
           i.format_facts
    FROM source i
    JOIN scope s ON s.county_slug = i.county_slug AND i.publish_date BETWEEN s.period_start AND s.period_end
),

paragraphs AS (
    SELECT i.county_slug, i.period, i.url, unnest(CAST(json_extract(i.format_facts, '$.paragraphs') AS VARCHAR[])) AS p
    FROM items i
),

runs AS (
    SELECT g.county_slug, g.period, g.url,
           -- every maximal run of spaces, then those at least min_space_run long (one constant
           -- pattern: a pattern built per county would be compiled again for every paragraph)
           sum(len(list_filter(
               regexp_extract_all(ltrim(g.p, chr(32) || chr(160) || chr(12288)),
                                  '[' || chr(32) || chr(160) || chr(12288) || ']+'),
               lambda run: length(run) >= st.min_space_run))) AS space_runs
    FROM paragraphs g
    JOIN settings st ON st.county_slug = g.county_slug AND st.period = g.period
    GROUP BY g.county_slug, g.period, g.url
),

facts AS (
    SELECT i.county_slug, i.period, i.url, i.title, i.unit, i.unit_id, i.category, i."column", i.publish_date,
           coalesce(r.space_runs, 0) AS space_runs,
           coalesce(CAST(i.format_facts ->> '$.max_empty_run' AS INTEGER), 0) AS max_empty_run,
           coalesce(CAST(i.format_facts ->> '$.max_table_columns' AS INTEGER), 0) AS max_table_columns,
           CAST(i.format_facts ->> '$.max_table_width_px' AS DOUBLE) AS max_table_width_px,
           coalesce(CAST(i.format_facts ->> '$.has_word_markup' AS BOOLEAN), false) AS word_markup
    FROM items i
    LEFT JOIN runs r ON r.county_slug = i.county_slug AND r.period = i.period AND r.url = i.url
),

final AS (
    SELECT f.county_slug, f.period, f.url, f.title, f.unit, f.unit_id, f.category, f."column",
           f.publish_date, f.space_runs, f.max_empty_run, f.max_table_columns, f.max_table_width_px, f.word_markup,
           f.space_runs > 0 AS has_space_runs,
           f.max_empty_run >= s.min_empty_run AS has_empty_run,
           (f.max_table_columns >= s.max_cols OR coalesce(f.max_table_width_px, 0) > s.max_width) AS has_wide_table,
           concat_ws('、',
               CASE WHEN f.space_runs > 0 THEN '连续空格' || f.space_runs || '处' END,
               CASE WHEN f.max_empty_run >= s.min_empty_run THEN '连续空白段落' || f.max_empty_run || '个' END,
               CASE WHEN f.max_table_columns >= s.max_cols THEN '表格' || f.max_table_columns || '列，超出页面' END,
               CASE WHEN coalesce(f.max_table_width_px, 0) > s.max_width
                    THEN '表格宽' || CAST(f.max_table_width_px AS INTEGER) || 'px，超出页面' END,
               CASE WHEN f.word_markup THEN '带有Word复制格式' END) AS defects
    FROM facts f
    JOIN settings s ON s.county_slug = f.county_slug AND s.period = f.period
)

SELECT * FROM final
