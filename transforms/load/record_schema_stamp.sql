-- The stamp of a part of the warehouse's structure, made or checked just now (raw/schema_stamps.sql).
INSERT OR REPLACE INTO schema_stamps (part, code, catalog) VALUES ($part, $code, $catalog)
