"""Evaluation sets for ``assertion_compare.py``: target spans with gold negated/uncertain.

Each reader returns :class:`GoldDoc` objects (text, target spans, one gold flag per span
and category). The parsers take strings or parsed JSON so tests can run them on tiny
fixtures; the loaders only add file reading.

- MACCROBAT (brat): Sign_symptom and Disease_disorder events (their trigger spans);
  negated = ``POLARITY NEG`` (which MACCROBAT also gives to resolved findings);
  uncertain = ``POLARITY UNCERTAIN``, ``MAYBE_POS`` or ``MAYBE_NEG``
  (the hedged polarity values; the dev set has no separate attribute).
- E3C (``ID.txt`` + ``ID.json``): EVENT spans, all of them or only those inside a
  ``CLINENTITY`` span; negated = polarity ``NEG``; uncertain = modality ``HEDGED``.
- Project gold (``annotations/*.json``, ``docs/ANNOTATION_SPEC.md``): the spans of the
  gold mentions (all fields, or only some) with their ``assertion.negated`` /
  ``assertion.uncertain`` flags.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MACCROBAT_TYPES = frozenset({"Sign_symptom", "Disease_disorder"})
MACCROBAT_NEGATED = frozenset({"NEG"})
MACCROBAT_UNCERTAIN = frozenset({"UNCERTAIN", "MAYBE_POS", "MAYBE_NEG"})


@dataclass(frozen=True)
class GoldDoc:
    doc_id: str
    text: str
    spans: list[tuple[int, int]]
    negated: list[bool]
    uncertain: list[bool]
    #: the set's convention for a finding that resolved ("the rash subsided"): MACCROBAT
    #: annotates it NEG, E3C POS (it existed), our guideline (section 9) neither
    resolved_is_negated: bool = False


# ---------------------------------------------------------------- MACCROBAT (brat)


def parse_brat(ann: str) -> tuple[list[tuple[int, int]], list[bool], list[bool]]:
    """Trigger spans of the events of interest, and per span: negated, uncertain."""
    spans: dict[str, tuple[str, int, int]] = {}
    events: dict[str, tuple[str, str]] = {}
    polarity: dict[str, str] = {}
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            pieces = offsets.split(";")
            spans[parts[0]] = (label, int(pieces[0].split()[0]), int(pieces[-1].split()[-1]))
        elif line.startswith("E") and len(parts) >= 2:
            kind, _, trigger = parts[1].split()[0].partition(":")
            events[parts[0]] = (kind, trigger)
        elif line.startswith("A") and len(parts) >= 2:
            fields = parts[1].split()
            if fields[:1] == ["POLARITY"] and len(fields) == 3:
                polarity[fields[1]] = fields[2]
    keys = [e for e, (kind, t) in events.items() if kind in MACCROBAT_TYPES and t in spans]
    return (
        [spans[events[e][1]][1:] for e in keys],
        [polarity.get(e) in MACCROBAT_NEGATED for e in keys],
        [polarity.get(e) in MACCROBAT_UNCERTAIN for e in keys],
    )


def load_maccrobat(directory: Path) -> list[GoldDoc]:
    docs = []
    for ann in sorted(directory.glob("*.ann")):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        spans, negated, uncertain = parse_brat(ann.read_text(encoding="utf-8"))
        docs.append(GoldDoc(ann.stem, text, spans, negated, uncertain, resolved_is_negated=True))
    return docs


# ---------------------------------------------------------------- E3C


def parse_e3c(
    data: dict[str, Any], *, clinentity_only: bool
) -> tuple[list[tuple[int, int]], list[bool], list[bool]]:
    """EVENT spans (optionally only those inside a CLINENTITY span): negated, uncertain."""
    clin = [(s, e) for s, e, kind in data.get("entities", []) if kind == "CLINENTITY"]
    events = sorted(
        (s, e, polarity, modality)
        for s, e, polarity, modality in data.get("events", [])
        if not clinentity_only or any(a <= s and e <= b for a, b in clin)
    )
    return (
        [(s, e) for s, e, _, _ in events],
        [polarity == "NEG" for _, _, polarity, _ in events],
        [modality == "HEDGED" for _, _, _, modality in events],
    )


def load_e3c(directory: Path, *, clinentity_only: bool) -> list[GoldDoc]:
    docs = []
    for path in sorted(directory.glob("*.json")):
        txt = path.with_suffix(".txt")
        if not txt.is_file():
            continue
        with txt.open(encoding="utf-8", newline="") as handle:  # keep \r\n: offsets count it
            text = handle.read()
        data = json.loads(path.read_text(encoding="utf-8"))
        docs.append(GoldDoc(path.stem, text, *parse_e3c(data, clinentity_only=clinentity_only)))
    return docs


# ---------------------------------------------------------------- project gold


def parse_mentions(
    data: dict[str, Any], fields: frozenset[str] | None = None
) -> tuple[list[tuple[int, int]], list[bool], list[bool]]:
    """Spans of the gold mentions (of ``fields``, default all) with negated / uncertain."""
    mentions = sorted(
        (m for m in data.get("mentions", []) if fields is None or m["field"] in fields),
        key=lambda m: (m["start"], m["end"]),
    )
    flags = [m.get("assertion") or {} for m in mentions]
    return (
        [(m["start"], m["end"]) for m in mentions],
        [bool(a.get("negated")) for a in flags],
        [bool(a.get("uncertain")) for a in flags],
    )


def load_corpus_gold(
    annotations: Path, *, synthetic: bool, fields: frozenset[str] | None = None
) -> list[GoldDoc]:
    """Real-report gold (``annotations/*.json``) or the synthetic set, validated by the
    project's gold loader; texts decoded exactly as the extractor decodes them."""
    from extractor.evaluation.gold import find_text_file, load_gold, read_text

    docs = []
    for gold in load_gold(annotations):
        if gold.synthetic != synthetic:
            continue
        path = find_text_file(gold, Path(gold.path))
        if path is None:
            raise FileNotFoundError(f"{gold.path}: text file {gold.text_file!r} not found")
        data = {"mentions": [m.model_dump() for m in gold.mentions]}
        docs.append(GoldDoc(gold.report_id, read_text(path), *parse_mentions(data, fields)))
    return docs


# ---------------------------------------------------------------- span gold (JSON)


def parse_span_gold(
    data: dict[str, Any], text: str
) -> tuple[list[tuple[int, int]], list[bool], list[bool]]:
    """A span gold file ``{"doc": NAME, "mentions": [{"start", "end", "text"?, "negated",
    "uncertain", "resolved"?}]}``: spans with negated / uncertain. A mention whose
    ``text`` does not match ``text[start:end]`` fails, naming the span."""
    mentions = sorted(data.get("mentions", []), key=lambda m: (m["start"], m["end"]))
    for m in mentions:
        if "text" in m and text[m["start"] : m["end"]] != m["text"]:
            raise ValueError(
                f"{data.get('doc')}: span {m['start']}-{m['end']} is not {m['text']!r}"
            )
    return (
        [(m["start"], m["end"]) for m in mentions],
        [bool(m.get("negated")) for m in mentions],
        [bool(m.get("uncertain")) for m in mentions],
    )


def load_span_gold(gold_dir: Path, text_dir: Path) -> list[GoldDoc]:
    """Every ``*.json`` span gold file of ``gold_dir``; its ``doc`` names the text file in
    ``text_dir`` (read with ``newline=""``). Resolved findings count as not negated (our
    guideline, section 9)."""
    docs = []
    for path in sorted(gold_dir.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        with (text_dir / data["doc"]).open(encoding="utf-8", newline="") as handle:
            text = handle.read()
        docs.append(GoldDoc(path.stem, text, *parse_span_gold(data, text)))
    return docs
