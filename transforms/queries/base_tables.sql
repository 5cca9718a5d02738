-- The tables a warehouse file holds (zwgk doctor reads each to its end).
SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY table_name
