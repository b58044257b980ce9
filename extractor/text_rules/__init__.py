"""Rule files of text normalization (package data)."""
