-- Write the log into the file (before zwgk vacuum copies it).
CHECKPOINT
