"""The app driven by Textual pilots, and snapshots of each screen."""
