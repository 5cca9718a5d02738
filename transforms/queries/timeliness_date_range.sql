-- The dates the timeliness rule needs working days for: items of the period with a 成文日期, in the counties
-- given (one county's run: a list of one).
SELECT min(doc_date) AS first_day, max(greatest(publish_date, doc_date)) AS last_day
FROM stg_crawled_items
WHERE list_contains($county_slugs, county_slug) AND doc_date IS NOT NULL
  AND publish_date BETWEEN $period_start AND $period_end
  -- dates no document can have are findings of their own (rule_timeliness.implausible), not calendar needs
  AND doc_date >= DATE '2008-05-01' AND doc_date <= publish_date AND publish_date <= current_date
