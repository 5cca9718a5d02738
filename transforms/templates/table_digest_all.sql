-- Template: an order-independent digest of every row of an input table without a county column ({table}).
SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} t
