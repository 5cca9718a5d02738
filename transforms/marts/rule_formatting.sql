-- Grain: county × period × item published in the period (rule formatting, docs/rules.md), for every
-- county × period of the build's scope (run_scope). Copy-pasted layout the seed bulletin complains
-- about: runs of spaces (U+0020, U+00A0, U+3000) inside a paragraph (a paragraph's leading indent is
-- not a run), consecutive empty paragraphs, tables too wide for the page, pasted Word markup.
-- Thresholds from ref_rule_settings (per county). The page's facts are numbers measured at crawl time
-- (stg_latest_items): no body text is read here.
WITH source AS (
    SELECT * FROM stg_crawled_items
),

settings AS (
    -- one row per county × period of the scope: its dates and its thresholds (one join with the items:
    -- a second join with the scope lets the planner pair every county's settings with every county's)
    SELECT s.county_slug, s.period, s.period_start, s.period_end,
        max(CASE WHEN r.name = 'formatting.min_space_run' THEN CAST(r.value AS INTEGER) END) AS min_space_run,
        max(CASE WHEN r.name = 'formatting.min_empty_run' THEN CAST(r.value AS INTEGER) END) AS min_empty_run,
        max(CASE WHEN r.name = 'formatting.max_table_columns' THEN CAST(r.value AS INTEGER) END) AS max_cols,
        max(CASE WHEN r.name = 'formatting.max_table_width_px' THEN CAST(r.value AS INTEGER) END) AS max_width
    FROM run_scope s
    LEFT JOIN ref_rule_settings r ON r.county_slug = s.county_slug
    GROUP BY s.county_slug, s.period, s.period_start, s.period_end
),

facts AS (
    -- the columns this rule reads; the runs of spaces at least min_space_run long (the crawler measured
    -- every run: stg_latest_items)
    SELECT st.period, i.county_slug, i.url, i.title, i.unit, i.unit_id, i.category, i."column", i.publish_date,
           CAST(coalesce(len(list_filter(i.space_run_lengths, lambda run: run >= st.min_space_run)), 0) AS HUGEINT)
               AS space_runs,
           coalesce(i.max_empty_run, 0) AS max_empty_run,
           coalesce(i.max_table_columns, 0) AS max_table_columns,
           i.max_table_width_px,
           coalesce(i.word_markup, false) AS word_markup,
           st.min_empty_run, st.max_cols, st.max_width
    FROM source i
    JOIN settings st ON st.county_slug = i.county_slug AND i.publish_date BETWEEN st.period_start AND st.period_end
),

final AS (
    SELECT f.county_slug, f.period, f.url, f.title, f.unit, f.unit_id, f.category, f."column",
           f.publish_date, f.space_runs, f.max_empty_run, f.max_table_columns, f.max_table_width_px, f.word_markup,
           f.space_runs > 0 AS has_space_runs,
           f.max_empty_run >= f.min_empty_run AS has_empty_run,
           (f.max_table_columns >= f.max_cols OR coalesce(f.max_table_width_px, 0) > f.max_width) AS has_wide_table,
           concat_ws('、',
               CASE WHEN f.space_runs > 0 THEN '连续空格' || f.space_runs || '处' END,
               CASE WHEN f.max_empty_run >= f.min_empty_run THEN '连续空白段落' || f.max_empty_run || '个' END,
               CASE WHEN f.max_table_columns >= f.max_cols THEN '表格' || f.max_table_columns || '列，超出页面' END,
               CASE WHEN coalesce(f.max_table_width_px, 0) > f.max_width
                    THEN '表格宽' || CAST(f.max_table_width_px AS INTEGER) || 'px，超出页面' END,
               CASE WHEN f.word_markup THEN '带有Word复制格式' END) AS defects
    FROM facts f
)

SELECT * FROM final
