-- Template: delete one period of a region model ({table}).
DELETE FROM {table} WHERE period = $period
