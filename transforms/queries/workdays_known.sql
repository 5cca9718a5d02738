-- Grain: one row: the first and last day the warehouse's working-day calendar knows.
SELECT min(day), max(day) FROM ref_workdays
