"""Rules of the domain and its stores, with no terminal and no network."""
