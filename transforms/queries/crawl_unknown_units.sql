-- Publishers (发布机构) of the period's crawled items that the registry does not know.
SELECT coalesce(unit_raw, '（未标注发布机构）') AS unit_raw, count(*) AS items, min(url) AS example_url
FROM stg_crawled_items
WHERE county_slug = $county_slug AND unit_id IS NULL
  AND publish_date BETWEEN $period_start AND $period_end
GROUP BY ALL
ORDER BY items DESC, unit_raw
