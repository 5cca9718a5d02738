-- Grain: the one stamp of a part of the warehouse's structure (raw/schema_stamps.sql).
SELECT code, catalog FROM schema_stamps WHERE part = $part
