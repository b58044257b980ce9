"""Name normalization for comparing values: markers, diagnoses and sites.

Names go through the package vocabularies of :mod:`extractor.fields.vocabulary`
(``markers.csv``, ``diagnoses.csv``, ``sites.csv``): a name that the vocabulary
matches as a whole is replaced by its canonical entry, so gold may use any synonym.
When a vocabulary is missing or does not know the name, the comparison falls back
to lower-cased alphanumerics: markers compacted ("Ki-67" == "ki67"), other names as
space-separated tokens ("Schwannoma," == "schwannoma").
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_TOKEN = re.compile(r"[a-z0-9]+")

VOCABULARY_FILES = {"marker": "markers.csv", "diagnosis": "diagnoses.csv", "site": "sites.csv"}


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def norm_text(text: str) -> str:
    """Lower-cased alphanumeric tokens joined by one space."""
    return " ".join(tokens(text))


def compact(text: str) -> str:
    """Lower-cased alphanumerics without separators ("S-100" -> "s100")."""
    return "".join(tokens(text))


@cache
def _index(kind: str) -> Any | None:
    """The vocabulary's phrase index, or ``None`` when the vocabulary is unavailable."""
    try:
        from extractor.fields import vocabulary
    except ImportError:
        return None
    try:
        return vocabulary.phrase_index(VOCABULARY_FILES[kind])
    except (vocabulary.VocabularyError, AttributeError):
        return None


def vocabulary_matches(kind: str, text: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical) of the vocabulary entries found in ``text``."""
    index = _index(kind)
    if index is None:
        return []
    return [(m.start, m.end, m.canonical) for m in index.find(text)]


def canonical(kind: str, text: str) -> str | None:
    """Canonical name when one vocabulary entry covers all of ``text``'s alphanumerics."""
    matches = vocabulary_matches(kind, text)
    if len(matches) != 1:
        return None
    start, end, name = matches[0]
    rest = text[:start] + text[end:]
    return None if tokens(rest) else name


def marker_key(text: str) -> str:
    """Comparison key of an IHC marker name."""
    return compact(canonical("marker", text) or text)


def diagnosis_key(text: str) -> str:
    return norm_text(canonical("diagnosis", text) or text)


def site_key(text: str) -> str:
    return norm_text(canonical("site", text) or text)


def has_vocabulary(kind: str) -> bool:
    return _index(kind) is not None


def find_marker(text: str) -> str | None:
    """The one canonical marker named in ``text`` ("CK19," -> its entry), else ``None``."""
    names = {name for _s, _e, name in vocabulary_matches("marker", text)}
    return names.pop() if len(names) == 1 else None
