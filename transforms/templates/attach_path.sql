-- path: a database file, as a string literal; alias: src or fresh.
ATTACH {path} AS {alias}
