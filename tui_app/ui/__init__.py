"""The Textual UI. No HTTP here: it talks to session controllers only."""
