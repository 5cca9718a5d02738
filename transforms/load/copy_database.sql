-- zwgk vacuum: every table of the old file into a fresh one (the space deleted rows held is not copied).
COPY FROM DATABASE src TO fresh
