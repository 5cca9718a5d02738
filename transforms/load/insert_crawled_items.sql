INSERT INTO raw_crawled_items BY NAME
SELECT crawl_id, county_slug, url, title, unit_raw, unit_name, "column", column_type, columns,
       publish_date, doc_date, doc_number, index_number, topic, repost_of, fetched_at, body_text,
       format_facts::JSON AS format_facts
FROM incoming_items
