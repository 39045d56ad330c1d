"""Aggregates. Their event classes' topics are in the log: never rename or move them."""
