"""Read a brat corpus: ``DIR/*.txt`` with ``DIR/*.ann`` (text-bound spans, events,
relations, attributes), as :class:`BratDocument` objects. A malformed line fails with
:class:`BratError` naming the file and the line. Scoring lives in
:mod:`extractor.evaluation.brat`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from extractor.reader import decode_bytes


class BratError(ValueError):
    """A malformed .ann line; the message names the file and line."""


# ---------------------------------------------------------------- parsing


@dataclass(frozen=True)
class TextBound:
    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass
class Annotations:
    entities: dict[str, TextBound] = field(default_factory=dict)
    #: event id -> trigger text-bound id
    events: dict[str, str] = field(default_factory=dict)
    #: (type, arg1, arg2) with ids as written (events or text-bounds)
    relations: list[tuple[str, str, str]] = field(default_factory=list)
    #: (name, target id, value)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)

    def resolve(self, ann_id: str) -> str:
        """Text-bound id of an event (its trigger) or of a text-bound."""
        return self.events.get(ann_id, ann_id)


def parse_fragments(spec: str) -> tuple[tuple[int, int], ...]:
    """'10 20;25 30' -> ((10, 20), (25, 30)), sorted."""
    pairs = []
    for part in spec.split(";"):
        start, end = part.split()
        pairs.append((int(start), int(end)))
    return tuple(sorted(pairs))


def _text_bound(ann_id: str, fields: list[str]) -> TextBound:
    type_, _, spec = fields[1].partition(" ")
    text = fields[2] if len(fields) > 2 else ""
    return TextBound(ann_id, type_, parse_fragments(spec), text)


def parse_line(line: str, ann: Annotations) -> None:
    fields = line.rstrip("\n\r").split("\t")
    ann_id = fields[0]
    head = fields[1].split() if len(fields) > 1 else []
    if ann_id.startswith("T"):
        ann.entities[ann_id] = _text_bound(ann_id, fields)
    elif ann_id.startswith("E"):
        ann.events[ann_id] = head[0].split(":", 1)[1]
    elif ann_id.startswith("R"):
        args = dict(arg.split(":", 1) for arg in head[1:3])
        ann.relations.append((head[0], args["Arg1"], args["Arg2"]))
    elif ann_id.startswith(("A", "M")):
        value = head[2] if len(head) > 2 else "true"
        ann.attributes.append((head[0], head[1], value))
    # "*" (equivalence), "#" (notes) and N (normalizations) carry nothing we score


def parse_ann(content: str, name: str = "<ann>") -> Annotations:
    """Parse brat standoff; a malformed line raises :class:`BratError` naming it."""
    ann = Annotations()
    for number, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            parse_line(line, ann)
        except (IndexError, KeyError, ValueError) as exc:
            raise BratError(f"{name}:{number}: cannot parse {line!r} ({exc})") from exc
    return ann


@dataclass
class BratDocument:
    doc_id: str
    text: str
    ann: Annotations


def load_brat(folder: Path) -> list[BratDocument]:
    docs = []
    for txt in sorted(folder.glob("*.txt")):
        ann_path = txt.with_suffix(".ann")
        content = ann_path.read_text(encoding="utf-8") if ann_path.is_file() else ""
        text = decode_bytes(txt.read_bytes(), str(txt)).text
        docs.append(BratDocument(txt.stem, text, parse_ann(content, str(ann_path))))
    return docs
