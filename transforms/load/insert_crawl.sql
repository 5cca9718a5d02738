INSERT INTO raw_crawls SELECT $crawl_id, $county_slug, $portal, $summary, $loaded_at
