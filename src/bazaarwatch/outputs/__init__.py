"""What bazaarwatch writes for people and other tools: the report, terminal-safe text."""
