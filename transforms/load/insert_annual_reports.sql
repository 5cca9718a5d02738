INSERT INTO raw_annual_reports BY NAME
SELECT * FROM incoming_annual_reports
