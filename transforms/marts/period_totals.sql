-- Grain: county × period. The total stated in the bulletin's text against the tables' sum.
SELECT l.county_slug, l.county, l.period, l.period_kind, l.period_start, l.period_end,
       l.source_kind, l.source_name, l.source_sha256, l.title,
       (SELECT count(*) FROM category_period_totals c
         WHERE c.county_slug = l.county_slug AND c.period = l.period) AS tables,
       (SELECT coalesce(sum(c.sum), 0) FROM category_period_totals c
         WHERE c.county_slug = l.county_slug AND c.period = l.period) AS sum_of_tables,
       l.stated_total AS stated_in_text, l.stated_total_where, l.stated_total_sentence
FROM stg_loads l
WHERE l.county_slug = $county_slug AND l.period = $period
