-- Retention: the column lists of all but the county's newest $keep_crawls crawls (only the newest is read).
DELETE FROM raw_crawl_columns
WHERE county_slug = $county_slug
  AND crawl_id NOT IN (
    SELECT crawl_id FROM raw_crawls WHERE county_slug = $county_slug
    ORDER BY loaded_at DESC, crawl_id DESC LIMIT $keep_crawls
  );
