-- Template: drop a model's table whose columns changed ({table}).
DROP TABLE {table}
