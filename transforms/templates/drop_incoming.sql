-- Template: the temporary table of incoming rows ({incoming}), gone once the load is written.
DROP TABLE IF EXISTS temp.{incoming}
