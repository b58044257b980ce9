"""Negated findings: cut the scope of a negation cue into short finding phrases.

A small data-driven chunker (no parser is available): the scope text of a
``NEGATED_EXISTENCE`` cue is tokenized into words and list punctuation, cut at the
first boundary word after a forward cue (a verb, preposition, relative pronoun:
"no ascites *was* observed") or after the last boundary word before a backward cue,
split into items at the separators ("," ";" "or" "nor"; "and" only inside a comma
list, so "capsular and lympho-vascular invasion" stays whole while "fever, chills
and sweats" splits), and each item is trimmed of leading determiners ("any", "the")
and dropped when longer than ``max_words`` words or starting with a boundary word.
The vocabulary lives in ``rules/findings.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_WORD_RE = re.compile(r"[^\W_][\w'/+-]{0,80}|[,;]")
FINDINGS_FILE = "findings.json"
_KEYS = frozenset(
    {
        "description",
        "max_words",
        "separators",
        "list_and",
        "trim_leading",
        "trim_trailing",
        "boundary_words",
        "not_findings",
        "not_finding_starts",
        "examples",
    }
)


@dataclass(frozen=True)
class FindingVocab:
    max_words: int
    separators: frozenset[str]
    list_and: frozenset[str]
    trim_leading: frozenset[str]
    trim_trailing: frozenset[str]
    boundaries: frozenset[tuple[str, ...]]
    not_findings: frozenset[str] = frozenset()
    not_finding_starts: frozenset[str] = frozenset()


Token = tuple[str, int, int]


@lru_cache(maxsize=1)
def load_vocab() -> FindingVocab:
    source = f"extractor/assertion/rules/{FINDINGS_FILE}"
    data = json.loads(
        (resources.files("extractor.assertion") / "rules" / FINDINGS_FILE).read_text()
    )
    missing = _KEYS - {"description", "examples", "not_findings", "not_finding_starts"} - set(data)
    if missing:
        raise ValueError(f"{source}: missing key(s) {sorted(missing)}")
    unknown = set(data) - _KEYS
    if unknown:
        raise ValueError(f"{source}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    return FindingVocab(
        max_words=int(data["max_words"]),
        separators=frozenset(data["separators"]),
        list_and=frozenset(data["list_and"]),
        trim_leading=frozenset(data["trim_leading"]),
        trim_trailing=frozenset(data["trim_trailing"]),
        boundaries=frozenset(tuple(p.split()) for p in data["boundary_words"]),
        not_findings=frozenset(data.get("not_findings", [])),
        not_finding_starts=frozenset(data.get("not_finding_starts", [])),
    )


def tokenize(text: str, offset: int = 0) -> list[Token]:
    return [
        (m.group(0).lower(), offset + m.start(), offset + m.end()) for m in _WORD_RE.finditer(text)
    ]


def _boundary_at(tokens: list[Token], i: int, vocab: FindingVocab) -> bool:
    words = tuple(t[0] for t in tokens[i : i + 2])
    return words[:1] in vocab.boundaries or words in vocab.boundaries


def cut_scope(tokens: list[Token], forward: bool, vocab: FindingVocab) -> list[Token]:
    """Keep the tokens before the first boundary (forward) or after the last (backward)."""
    if forward:
        for i in range(len(tokens)):
            if _boundary_at(tokens, i, vocab):
                return tokens[:i]
        return tokens
    for i in range(len(tokens) - 1, -1, -1):
        if _boundary_at(tokens, i, vocab):
            skip = 2 if tuple(t[0] for t in tokens[i : i + 2]) in vocab.boundaries else 1
            rest = tokens[i + skip :]
            # "In the specimen, mitoses were not seen": a fronted phrase ends at its comma
            comma = next((k for k, t in enumerate(rest) if t[0] == ","), None)
            return rest if comma is None else rest[comma + 1 :]
    return tokens


def split_items(tokens: list[Token], vocab: FindingVocab) -> list[list[Token]]:
    """Split at separators; split at "and" only when the scope holds a comma list."""
    seps = vocab.separators | (vocab.list_and if any(t[0] == "," for t in tokens) else set())
    items: list[list[Token]] = [[]]
    for token in tokens:
        if token[0] in seps:
            items.append([])
        else:
            items[-1].append(token)
    return [item for item in items if item]


def clean_item(item: list[Token], vocab: FindingVocab) -> list[Token]:
    """Trim leading determiners and trailing conjunctions; empty when the item is too
    long or not a phrase."""
    i = 0
    while i < len(item) and item[i][0] in vocab.trim_leading:
        i += 1
    j = len(item)
    while j > i and item[j - 1][0] in vocab.trim_trailing:
        j -= 1
    item = item[i:j]
    if not item or len(item) > vocab.max_words or _boundary_at(item, 0, vocab):
        return []
    if not any(c.isalpha() for c in item[0][0]):
        return []
    if item[0][0] in vocab.not_finding_starts or item[-1][0] in vocab.not_findings:
        return []
    return item


def findings_in_scope(text: str, start: int, end: int, forward: bool) -> list[tuple[str, int, int]]:
    """Findings (lower-cased text, start, end) in ``text[start:end]``, the scope of a cue."""
    vocab = load_vocab()
    tokens = cut_scope(tokenize(text[start:end], start), forward, vocab)
    found = []
    for item in split_items(tokens, vocab):
        item = clean_item(item, vocab)
        if item:
            a, b = item[0][1], item[-1][2]
            found.append((text[a:b].lower(), a, b))
    return found
