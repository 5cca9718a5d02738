-- Empty the build's scope between two batches of counties (runner.run_scope).
DELETE FROM temp.run_scope
