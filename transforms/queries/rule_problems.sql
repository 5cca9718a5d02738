-- Every problem the rules found for a county and period, as one flat list (run.json "rules",
-- the Excel follow-up sheets and the bulletin's 存在问题 section).
SELECT 'column_freshness' AS rule, unit, category, "column", url,
       json_object('verdict', verdict, 'last_publish', last_publish, 'max_age', max_age, 'items', items,
                   'undated_items', undated_items, 'days_since', days_since, 'crawl_status', crawl_status) AS detail
FROM rule_column_freshness
WHERE county_slug = $county_slug AND period = $period AND verdict <> 'ok'
UNION ALL
SELECT 'timeliness', unit, category, "column", url,
       json_object('title', title, 'doc_date', doc_date, 'publish_date', publish_date, 'working_days', working_days,
                   'due_date', due_date, 'is_normative', is_normative, 'doc_number', doc_number)
FROM rule_timeliness
WHERE county_slug = $county_slug AND period = $period AND late
UNION ALL
SELECT 'formatting', unit, category, "column", url,
       json_object('title', title, 'defects', defects, 'space_runs', space_runs, 'max_empty_run', max_empty_run,
                   'max_table_columns', max_table_columns, 'max_table_width_px', max_table_width_px,
                   'word_markup', word_markup)
FROM rule_formatting
WHERE county_slug = $county_slug AND period = $period AND defects <> ''
UNION ALL
SELECT 'key_area', unit, category, NULL, url,
       json_object('item', label, 'year', about_year, 'verdict', verdict, 'due_date', due_date,
                   'published', published, 'title', title)
FROM rule_key_area
WHERE county_slug = $county_slug AND period = $period AND verdict IN ('missing', 'late')
UNION ALL
SELECT 'wrong_column', unit, category, "column", url,
       json_object('title', title, 'column_type', column_type, 'looks_like', looks_like)
FROM rule_wrong_column
WHERE county_slug = $county_slug AND period = $period AND misplaced
ORDER BY rule, category, unit, "column", url
