"""Gold annotation files: discovery, validation and loading.

Gold files are ``<gold dir>/*.json`` (real reports) and ``<gold dir>/synthetic/*.json``
(synthetic reports); the format is in ``docs/ANNOTATION_SPEC.md``. Each file is
validated against the annotators' JSON Schema ``<gold dir>/gold.schema.json`` when it
exists, and always against the record models of :mod:`extractor.schema` (value
objects per field, summary). When the report text is found, every mention and
section heading must match its offsets. All problems of all files are collected and
raised together in one :class:`GoldError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.reader import decode_bytes
from extractor.schema import SECTION_LABELS, VALUE_MODELS, FieldName, Summary

SCHEMA_FILE = "gold.schema.json"
SYNTHETIC_DIR = "synthetic"


class GoldError(ValueError):
    """One or more gold files are invalid; the message lists every problem."""


class _Gold(BaseModel):
    model_config = ConfigDict(extra="ignore")


class GoldAssertion(_Gold):
    negated: bool = False
    uncertain: bool = False
    hypothetical: bool = False
    historical: bool = False
    family: bool = False
    resolved: bool = False


class GoldMention(_Gold):
    field: FieldName
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    value: dict[str, Any]
    assertion: GoldAssertion = Field(default_factory=GoldAssertion)


class GoldSection(_Gold):
    label: str
    heading: str = ""
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class GoldDocument(_Gold):
    report_id: str
    text_file: str = ""
    source_sha256: str | None = None
    sections: list[GoldSection] = Field(default_factory=list)
    mentions: list[GoldMention] = Field(default_factory=list)
    summary: Summary | None = None
    #: set by the loader: the gold file lies in a ``synthetic`` folder
    synthetic: bool = False
    path: str = ""

    @property
    def group(self) -> str:
        return "synthetic" if self.synthetic else "real"


def gold_files(gold_dir: Path) -> list[Path]:
    """Real-report gold files, then synthetic ones (the schema file excluded)."""
    real = sorted(p for p in gold_dir.glob("*.json") if p.name != SCHEMA_FILE)
    synthetic = sorted((gold_dir / SYNTHETIC_DIR).glob("*.json"))
    return real + synthetic


def is_synthetic(path: Path, data: dict[str, Any]) -> bool:
    in_folder = path.parent.name == SYNTHETIC_DIR
    text_file = str(data.get("text_file", "")).replace("\\", "/")
    return in_folder or "/synthetic/" in f"/{text_file}"


def load_schema(gold_dir: Path) -> dict[str, Any] | None:
    path = gold_dir / SCHEMA_FILE
    if not path.is_file():
        return None
    schema = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema).check_schema(schema)
    return schema


def schema_problems(data: Any, schema: dict[str, Any] | None) -> list[str]:
    """Problems found by the annotators' JSON Schema (none when there is no schema)."""
    if schema is None:
        return []
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors]


def _pydantic_problems(exc: ValidationError, prefix: str = "") -> list[str]:
    return [f"{prefix}{'/'.join(map(str, err['loc']))}: {err['msg']}" for err in exc.errors()]


def value_problems(doc: GoldDocument) -> list[str]:
    """Each mention's value must validate against its field's value model; section
    labels must be known labels."""
    problems = [
        f"sections/{i}/label: unknown label {s.label!r} (allowed: {', '.join(SECTION_LABELS)})"
        for i, s in enumerate(doc.sections)
        if s.label not in SECTION_LABELS
    ]
    for i, mention in enumerate(doc.mentions):
        try:
            VALUE_MODELS[mention.field].model_validate(mention.value)
        except ValidationError as exc:
            problems += _pydantic_problems(exc, f"mentions/{i}/value/")
        if mention.end < mention.start:
            problems.append(f"mentions/{i}: end {mention.end} < start {mention.start}")
    return problems


def find_text_file(doc: GoldDocument, gold_path: Path) -> Path | None:
    """The report text: ``text_file`` relative to the project root or the cwd."""
    if not doc.text_file:
        return None
    root = gold_path.parent.parent if doc.synthetic else gold_path.parent
    for base in (root.parent, Path.cwd()):
        candidate = base / doc.text_file
        if candidate.is_file():
            return candidate
    return None


def read_text(path: Path) -> str:
    """Decode a report exactly as the extractor does (so offsets agree)."""
    return decode_bytes(path.read_bytes(), str(path)).text


def offset_problems(doc: GoldDocument, text: str) -> list[str]:
    problems = [
        f"mentions/{i}: text {m.text!r} != text[{m.start}:{m.end}] {text[m.start : m.end]!r}"
        for i, m in enumerate(doc.mentions)
        if text[m.start : m.end] != m.text
    ]
    problems += [
        f"sections/{i}: heading {s.heading!r} does not start at {s.start}"
        for i, s in enumerate(doc.sections)
        if s.heading and text[s.start : s.start + len(s.heading)] != s.heading
    ]
    return problems


def parse_gold(
    data: Any, path: Path, schema: dict[str, Any] | None
) -> tuple[GoldDocument | None, list[str]]:
    """Validate one gold file's JSON; return the document (if parseable) and problems."""
    problems = schema_problems(data, schema)
    try:
        doc = GoldDocument.model_validate(data)
    except ValidationError as exc:
        return None, problems + _pydantic_problems(exc)
    doc.synthetic = is_synthetic(path, data)
    doc.path = str(path)
    problems += value_problems(doc)
    text_path = find_text_file(doc, path)
    if text_path is not None:
        problems += offset_problems(doc, read_text(text_path))
    return doc, problems


def load_gold(gold_dir: Path) -> list[GoldDocument]:
    """Load and validate every gold file of ``gold_dir``; raise :class:`GoldError`."""
    schema = load_schema(gold_dir)
    docs: list[GoldDocument] = []
    problems: list[str] = []
    for path in gold_files(gold_dir):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not valid JSON: {exc}")
            continue
        doc, found = parse_gold(data, path, schema)
        problems += [f"{path}: {p}" for p in found]
        if doc is not None:
            docs.append(doc)
    if problems:
        raise GoldError(f"{len(problems)} problem(s) in gold files:\n" + "\n".join(problems))
    return docs
