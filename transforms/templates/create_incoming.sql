-- Template: rows handed over by Python as a temporary table ({incoming}) the load statements read, one
-- list parameter per column ({unnest}: `unnest($c0) AS "name", …`); dropped after the load.
CREATE OR REPLACE TEMP TABLE {incoming} AS SELECT {unnest}
