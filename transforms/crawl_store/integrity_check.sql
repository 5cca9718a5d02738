-- zwgk doctor: SQLite's own check of a crawl store's index ("ok" when sound).
PRAGMA integrity_check
