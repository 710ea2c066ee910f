"""SQLite: the session store (store.py, the facade), its schema and migrations, event log,
projections, restore, search and drafts; writes off the caller's thread (background_writer.py)."""
