-- Grain: one row: how many loads have this load id (0 or 1; a file is loaded once).
SELECT count(*) FROM raw_loads WHERE load_id = $id
