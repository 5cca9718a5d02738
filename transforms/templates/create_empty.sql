-- Template: an empty table with a model's columns ({table}, {model}).
CREATE TABLE {table} AS SELECT * FROM ({model}) LIMIT 0
