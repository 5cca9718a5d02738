-- Before load/mark_superseded.sql: the counties' supersession is computed again whole.
DELETE FROM raw_superseded_items WHERE list_contains($county_slugs, county_slug)
