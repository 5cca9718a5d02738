INSERT INTO raw_claims BY NAME SELECT load_id, claim_no, polarity, name_raw, sentence, "where" FROM incoming_claims
