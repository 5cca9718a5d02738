-- Template: the temporary copy of a staging view made for a build ({table}), gone once the build is written.
DROP TABLE IF EXISTS temp.{table}
