-- Template: insert a model's rows into its table by column name ({table}, {model}).
INSERT INTO {table} BY NAME {model}
