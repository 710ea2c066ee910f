"""The user's settings (file and environment), backend choice and API keys."""
