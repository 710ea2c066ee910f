"""Pure domain: events in, state out. No I/O and no clock reads here."""
