INSERT INTO raw_adoption_counts BY NAME
SELECT load_id, row_no, unit_raw, unit_name, source, count, "where"
FROM incoming_adoptions
