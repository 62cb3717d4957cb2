"""The case store: one SQLite file per investigation (schema, writes, queries)."""
