"""The public Python API: text or file -> Record."""

from __future__ import annotations

from pathlib import Path

from extractor.reader import DEFAULT_MAX_CHARS, read_file
from extractor.record import build_record, source_for_text
from extractor.schema import Record


def extract(text: str, report_id: str | None = None) -> Record:
    """Extract one report given as a string."""
    return build_record(text, report_id or "report", source_for_text(text))


def extract_file(path: str | Path, max_chars: int = DEFAULT_MAX_CHARS) -> Record:
    """Extract one report file; raises :class:`extractor.reader.InputError` on bad input."""
    text, source, warnings = read_file(path, max_chars)
    return build_record(text, Path(path).stem, source, warnings)
