-- Retention (docs/reliability.md, "Retention"): a county's crawled items that a newer crawl's record of
-- the same URL supersedes are never read again (stg_crawled_items takes the newest record of each URL),
-- so they are deleted — except those of the county's newest $keep_crawls crawls, kept whole. An item only
-- an older crawl saw (gone from the portal since) is the newest record of its URL and stays: no period's
-- count changes. The crawl's column list of older crawls goes too (stg_crawl_columns reads the newest).
DELETE FROM raw_crawled_items
WHERE county_slug = $county_slug
  AND (crawl_id, url) IN (
    WITH ranked_crawls AS (
        SELECT crawl_id, row_number() OVER (ORDER BY loaded_at DESC, crawl_id DESC) AS age
        FROM raw_crawls WHERE county_slug = $county_slug
    ),
    ranked AS (
        SELECT i.crawl_id, i.url, c.age,
               row_number() OVER (PARTITION BY regexp_replace(i.url, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*', '')
                                  ORDER BY c.age) AS newest
        FROM raw_crawled_items i JOIN ranked_crawls c USING (crawl_id)
        WHERE i.county_slug = $county_slug
    )
    SELECT crawl_id, url FROM ranked WHERE newest > 1 AND age > $keep_crawls
  );
