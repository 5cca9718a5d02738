INSERT INTO raw_reported_tables BY NAME
SELECT load_id, table_no, category, title, has_rank_column, printed_total_raw,
       printed_total, total_where, table_where
FROM incoming_tables
