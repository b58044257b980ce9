"""Section heading rules (package data)."""
