-- The build's scope is gone once its partitions are written.
DROP TABLE IF EXISTS temp.run_scope
