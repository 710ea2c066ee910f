"""The embedded server and the real adapters over HTTP on 127.0.0.1, and the command line."""
