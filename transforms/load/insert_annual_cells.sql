INSERT INTO raw_annual_cells BY NAME
SELECT * FROM incoming_annual_cells
