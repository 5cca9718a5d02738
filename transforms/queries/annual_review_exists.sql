-- Whether the warehouse holds an annual review (the annual marts exist); 0 or 1.
SELECT count(*) FROM information_schema.tables WHERE table_name = 'annual_summary'
