INSERT INTO raw_applications BY NAME SELECT * FROM incoming_applications
