"""Vocabulary files: entries, column specs, parsing and validation, loading.

The CSV files live in ``extractor/fields/vocab/`` (package data, read through
importlib.resources). Lists inside a cell are ``|``-separated; leading ``#`` lines are
a header note and are skipped. Every file is validated on load: a bad row raises
:class:`VocabularyError` naming the file and the line; the same synonym under two
canonical entries is an error (ambiguous abbreviations are allowed but never matched).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import get_args

from extractor.fields.vocabulary_tokens import key_of
from extractor.schema import Laterality

VOCAB_PACKAGE = "extractor.fields.vocab"
LIST_SEP = "|"


class VocabularyError(ValueError):
    """A vocabulary file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class VocabEntry:
    canonical: str
    synonyms: tuple[str, ...]  # matched case-insensitively (includes the canonical)
    exact: tuple[str, ...]  # matched case-sensitively
    attrs: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    line: int = 0

    def get(self, key: str) -> str | None:
        return self.attrs.get(key) or None


@dataclass(frozen=True)
class FileSpec:
    """Columns of one vocabulary file and how they are used."""

    columns: tuple[str, ...]
    key: str  # the canonical / word column
    synonym_columns: tuple[str, ...] = ()
    exact_columns: tuple[str, ...] = ()
    #: exact keys that may repeat across entries (then they are ambiguous, not matched)
    ambiguous_ok: bool = False
    validators: dict[str, re.Pattern[str]] = field(default_factory=dict)


_ICDO3_MORPHOLOGY = re.compile(r"\d{4}/[0-36-9]")
_ICDO3_TOPOGRAPHY = re.compile(r"C\d{2}\.\d")
_LATERALITY = re.compile("|".join(get_args(Laterality)))

SPECS: dict[str, FileSpec] = {
    "markers.csv": FileSpec(
        ("canonical", "synonyms", "case_sensitive_synonyms", "kind", "note"),
        "canonical",
        ("synonyms",),
        ("case_sensitive_synonyms",),
    ),
    "diagnoses.csv": FileSpec(
        ("canonical", "synonyms", "abbreviations", "icdo3", "category", "note"),
        "canonical",
        ("synonyms",),
        ("abbreviations",),
        ambiguous_ok=True,
        validators={"icdo3": _ICDO3_MORPHOLOGY},
    ),
    "sites.csv": FileSpec(
        ("canonical", "synonyms", "icdo3_topography", "region", "note"),
        "canonical",
        ("synonyms",),
        validators={"icdo3_topography": _ICDO3_TOPOGRAPHY},
    ),
    "laterality.csv": FileSpec(
        ("word", "laterality", "note"),
        "word",
        validators={"laterality": _LATERALITY},
    ),
}


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(LIST_SEP) if p.strip()]


def _data_lines(text: str) -> tuple[list[str], int]:
    """Lines after the leading ``#`` note, and how many lines were skipped."""
    lines = text.splitlines()
    skip = 0
    while skip < len(lines) and (lines[skip].startswith("#") or not lines[skip].strip()):
        skip += 1
    return lines[skip:], skip


def _check_header(name: str, header: list[str], spec: FileSpec, line: int) -> None:
    unknown = [c for c in header if c not in spec.columns]
    missing = [c for c in spec.columns if c not in header]
    if unknown or missing:
        raise VocabularyError(
            f"{name} line {line}: header has unknown columns {unknown} / missing {missing}; "
            f"allowed columns: {list(spec.columns)}"
        )


def _entry(name: str, line: int, row: dict[str, str], spec: FileSpec) -> VocabEntry:
    where = f"{name} line {line}"
    canonical = (row.get(spec.key) or "").strip()
    if not canonical:
        raise VocabularyError(f"{where}: empty {spec.key!r}")
    attrs = {c: (row.get(c) or "").strip() for c in spec.columns}
    for column, pattern in spec.validators.items():
        value = attrs[column]
        if value and not pattern.fullmatch(value):
            raise VocabularyError(f"{where}: invalid {column} {value!r} for {canonical!r}")
    exact = [s for c in spec.exact_columns for s in _split(row.get(c))]
    synonyms = [s for c in spec.synonym_columns for s in _split(row.get(c))]
    if canonical not in exact:
        synonyms.insert(0, canonical)
    for phrase in synonyms + exact:
        if not key_of(phrase):
            raise VocabularyError(f"{where}: synonym {phrase!r} has no word characters")
    return VocabEntry(
        canonical, tuple(dict.fromkeys(synonyms)), tuple(dict.fromkeys(exact)), attrs, line
    )


def parse_vocabulary(name: str, text: str, spec: FileSpec | None = None) -> list[VocabEntry]:
    """Parse and validate vocabulary file ``name`` whose content is ``text``."""
    spec = spec or SPECS[name]
    lines, skipped = _data_lines(text)
    if not lines:
        raise VocabularyError(f"{name}: no header line")
    reader = csv.reader(lines)
    header = [h.strip() for h in next(reader)]
    _check_header(name, header, spec, skipped + 1)
    entries: list[VocabEntry] = []
    for cells in reader:
        line = skipped + reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise VocabularyError(
                f"{name} line {line}: expected {len(header)} fields, got {len(cells)}"
            )
        entries.append(_entry(name, line, dict(zip(header, cells, strict=True)), spec))
    _check_duplicates(name, entries, spec)
    return entries


def _check_duplicates(name: str, entries: list[VocabEntry], spec: FileSpec) -> None:
    seen: dict[tuple[str, ...], VocabEntry] = {}
    seen_canonical: dict[str, VocabEntry] = {}
    for entry in entries:
        other = seen_canonical.get(entry.canonical.lower())
        if other is not None:
            raise VocabularyError(
                f"{name} line {entry.line}: duplicate entry {entry.canonical!r} "
                f"(also line {other.line})"
            )
        seen_canonical[entry.canonical.lower()] = entry
        for phrase in entry.synonyms + (() if spec.ambiguous_ok else entry.exact):
            key = key_of(phrase)
            other = seen.get(key)
            if other is not None and other.canonical != entry.canonical:
                raise VocabularyError(
                    f"{name} line {entry.line}: synonym {phrase!r} of {entry.canonical!r} "
                    f"is also a synonym of {other.canonical!r} (line {other.line})"
                )
            seen[key] = entry


# ---------------------------------------------------------------- loading


def read_vocabulary_text(name: str) -> str:
    try:
        return resources.files(VOCAB_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise VocabularyError(f"{name}: vocabulary file not found in {VOCAB_PACKAGE}") from exc


def parse_vocabulary_file(path: Path, spec: FileSpec | None = None) -> list[VocabEntry]:
    """Parse a vocabulary file from disk (its file name selects the column spec)."""
    return parse_vocabulary(path.name, path.read_text(encoding="utf-8"), spec)


@cache
def load_vocabulary(name: str) -> tuple[VocabEntry, ...]:
    """Validated entries of package vocabulary ``name`` (e.g. "markers.csv"), cached."""
    return tuple(parse_vocabulary(name, read_vocabulary_text(name)))
