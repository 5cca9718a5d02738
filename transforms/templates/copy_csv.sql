-- Template: a named query's result written as CSV to $path ({model}: the query's text).
COPY ({model}) TO $path (HEADER, DELIMITER ',')
