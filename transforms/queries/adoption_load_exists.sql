SELECT count(*) FROM raw_adoption_loads WHERE load_id = $id
