-- The columns of the county's newest crawl, when the period's counts come from the crawl: a column
-- not read to its end (pager unreadable, a page failing, blocked, missing) makes its units' counts low.
SELECT c.* FROM stg_crawl_columns c
WHERE list_contains($county_slugs, c.county_slug)
  AND EXISTS (SELECT 1 FROM period_counts_source s
               WHERE s.county_slug = c.county_slug AND s.period = $period AND s.counts_source = 'crawl')
ORDER BY c.county_slug, c.category NULLS LAST, c.unit, c."column"
