"""The embedded local server: a stand-in for Case.dev agent chat with a deterministic demo agent."""
