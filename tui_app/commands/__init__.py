"""The everyday commands beside the app itself: config, login/logout, sessions, search, export.

Each module adds its parser with `add_parsers(commands)` and runs with `run(args) -> exit status`.
"""
