"""From records to the registry: database load, flat tables, the HTML review page and
the registry exchange formats.

- :mod:`extractor.export.db`: normalized, idempotent, transactional database load.
- :mod:`extractor.export.tables`: report-level and mention-level pandas tables.
- :mod:`extractor.export.review`: a self-contained HTML page to review one report
  (summary panel :mod:`~extractor.export.review_summary`, correction form
  :mod:`~extractor.export.review_gold`, CSS and scripts
  :mod:`~extractor.export.review_assets`);
- :mod:`extractor.export.review_batch`: records JSONL -> an index page and one page per
  report.
- :mod:`extractor.export.naaccr`: one NAACCR XML 1.8 file (v26 dictionary);
  :mod:`extractor.export.naaccr_check` checks a file against NAACCR's schema and dictionary.
- :mod:`extractor.export.fhir`: one FHIR R4 bundle per report, mCODE-shaped
  (resources in :mod:`extractor.export.fhir_parts`).
- :mod:`extractor.export.tumours`: what both registry formats call a tumour; their code
  tables are ``registry_codes.json`` (:mod:`extractor.export.codes`).

All of them read the records JSONL written by ``python -m extractor run`` through
:func:`read_records`, which validates every line against :class:`~extractor.schema.Record`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from pydantic import ValidationError

from extractor.schema import Record


class RecordsFileError(ValueError):
    """A records JSONL line that is not a valid :class:`Record` (names file and line)."""


def read_records(path: str | Path) -> Iterator[Record]:
    """Yield the records of a JSONL file lazily; a bad line raises :class:`RecordsFileError`.

    Blank lines are skipped. Reading is lazy so that a caller holding a database
    transaction sees a malformed line exactly where it is in the file.
    """
    with Path(path).open("rb") as handle:
        for lineno, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise RecordsFileError(
                    f"{path}:{lineno}: not UTF-8 text (byte {exc.start}); is this a records file?"
                ) from exc
            if not line.strip():
                continue
            try:
                yield Record.model_validate_json(line)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"]) or "<line>"
                raise RecordsFileError(
                    f"{path}:{lineno}: not a valid record ({where}: {first['msg']})"
                ) from exc


def as_records(records: Iterable[Record] | str | Path) -> list[Record]:
    """Accept records or the path of a records JSONL file."""
    if isinstance(records, str | Path):
        return list(read_records(records))
    return list(records)
