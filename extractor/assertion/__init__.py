"""PLACEHOLDER (replaced by the assertion work)."""
