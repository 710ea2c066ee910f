"""SQLite: the session store, its schema and migrations, search and drafts."""
