INSERT INTO raw_annual_findings BY NAME
SELECT * FROM incoming_annual_findings
