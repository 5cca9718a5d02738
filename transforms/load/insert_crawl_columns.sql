INSERT INTO raw_crawl_columns BY NAME
SELECT crawl_id, county_slug, "column", url, column_type, unit_raw, unit_name, status, reason
FROM incoming_columns
