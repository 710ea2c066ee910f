"""tui-app: a terminal client for persistent, streaming AI agent sessions."""

__version__ = "0.1.0"
