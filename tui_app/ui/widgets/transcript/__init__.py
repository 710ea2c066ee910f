"""The transcript of the session on screen: the scroll view, its windows of messages, and copying."""
