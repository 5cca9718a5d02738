INSERT INTO raw_reported_rows BY NAME
SELECT load_id, table_no, row_no, unit_raw, unit_name, count_raw, count, rank_raw, rank,
       line, table_row, "where"
FROM incoming_rows
