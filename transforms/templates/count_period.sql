-- Template: rows of one period of a region model ({table}).
SELECT count(*) FROM {table} WHERE period = $period
