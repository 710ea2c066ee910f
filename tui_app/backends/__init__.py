"""One adapter per API, all behind `AgentBackend`; wire models are pydantic and stay here."""
