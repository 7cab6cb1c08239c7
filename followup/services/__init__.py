"""Use cases: ingest a call, decide on items, commit approved changes, expire, brief."""
