"""UI flows: the dialogs and confirmations between a key and a workspace call, one job each."""
