"""Lesion size with unit, normalized to millimetres, kept only when it measures a lesion.

Parser: :func:`parse_size` turns "4.5 X 3.5 X 2.6 Cm", "16.4x12.4x19.4 cm", "4cm",
"32 x 15 x 14 mm", "3.0 by 2.6 cm", "3 cm x 2 cm" into a :class:`SizeValue`
(``dims_mm`` in the written order, ``max_mm``, ``unit``); :func:`parse_size_range`
handles "2- to 3-cm" (the upper bound). Units are converted to millimetres. The
normalized text already has "x" for the multiplication sign and plain spaces for
thin spaces. Patterns: ``rules/size_rules.json``; units are case-sensitive where case
matters, so concentrations ("27 mM", "mmol/L") never match, and "mm Hg" / "cm H2O"
(pressures) are not lengths.

Linking (:func:`link`): every measurement is linked to what it measures, in its
sentence, and kept only when that object is a lesion. Objects are phrases of
``vocab/measured_objects.csv`` (classes lesion, specimen, body, device,
cardiovascular, imaging, distance, incision, anatomy, finding, laboratory), any
diagnosis of ``vocab/diagnoses.csv`` except comorbidities (class lesion) and any site
of ``vocab/sites.csv`` (class anatomy); the longest phrase wins. The first rule that
applies decides:

1. distance: the measurement is followed by a spatial relation ("10 cm from the
   anal verge", "3 cm below the costal margin", "1 cm lateral to ...");
2. premodifier: it premodifies a noun phrase ("a 3-cm soft mass", "a 2 cm sessile
   polyp", "a 7 mm diameter tracheal tube", "5 cm taller"): the object is the last
   object phrase of the words that follow it (commas between adjectives allowed:
   "a 2 cm red, gritty lesion"), up to a preposition, conjunction, determiner, verb
   "to be" or other punctuation;
3. quantity of: "1 cm of normal tissue", "40 cm of ileum": the object after "of";
4. backward: the nearest object phrase before it in its clause (back to ";" or the
   sentence start): "a mass measuring 4 x 3 cm", "tumour of 3 cm", "the lesion was 3
   cm", "lesion (3 cm)", "mass, 3 cm in size", "margins (closest 4 mm)". Words naming
   the extent ("diameter", "in size", "maximal") are skipped. An anatomical or
   cardiovascular object that is the object of a preposition or of a participle
   ("lesion of the D12 vertebral body (4 cm)", "mass compressing the cord, 3 cm") is
   where the lesion is, not what is measured: the scan goes on, and links to it only
   when no lesion precedes in the clause. A measurement coordinated with an earlier
   one ("8 x 4 cm on the right and 5 x 3 cm on the left") shares its object. A pronoun
   ("it measured", "they were") resolves to the nearest lesion of this or the
   previous sentence; "the largest", "each" continue the scan into the previous
   sentence;
5. default, when nothing above links it: the nearest object phrase anywhere in the
   sentence, kept only when that is a lesion (a sentence naming a lesion and nothing
   non-lesion nearer keeps it). A sentence naming no object but an extent is
   elliptical ("Maximum diameter: 2 cm."): the last object of the previous sentence
   decides. Otherwise ("Na 135 mm.") the measurement is dropped.

Measurements followed by "Hg" / "H2O" are pressures (class "pressure"), never sizes.
:func:`link_sizes` returns every measurement with its :class:`Link` (object text,
class, rule), so each decision says why. Each kept mention records the text of the
head it measures (``measures``: "polyp" for "a 2 cm sessile polyp", "mass",
"schwannoma") and what was measured (``measured_on``): "specimen" when the words
introducing it, or the rest of its clause (:func:`measurement_clause`), speak of the
resected/excised specimen, "biopsy" for cores and fragments, null for clinical and
imaging sizes.

Summary rule: among patient-context size mentions that are not negated, hypothetical
or historical, the largest specimen measurement wins (pathology measures the whole
resected lesion); without one, the largest clinical/imaging size; biopsy cores only
when nothing else exists. ``size_dims_mm`` are its dims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate, drop_overlaps
from extractor.fields.scope import in_patient_context
from extractor.fields.vocabulary import (
    FileSpec,
    PhraseIndex,
    VocabEntry,
    VocabularyError,
    parse_vocabulary,
    phrase_index,
    read_vocabulary_text,
)
from extractor.rules import Rule, RuleFileError, load_rules, read_json_resource
from extractor.schema import FieldName, Mention, SizeValue
from extractor.tokenizer import doc_text

_NUMBER_RE = re.compile(r"\d{1,4}(?:[.,]\d{1,3})?")
_UNIT_RE = re.compile(
    r"(?<![A-Za-z])(mm|cm|m|millimet(?:er|re)s?|centimet(?:er|re)s?|met(?:er|re)s?)(?![A-Za-z])",
    re.IGNORECASE,
)
_SEPARATOR_RE = re.compile(r"\s*(?:x|\*|by)\s*", re.IGNORECASE)
_EXTRA_KEYS = frozenset({"kind"})
RULES_PACKAGE = "extractor.fields.rules"
RULES_FILE = "size_rules.json"
OBJECTS_FILE = "measured_objects.csv"
SPECIMEN_RE = re.compile(
    r"\b(?:resected|excised|excision specimen|specimen|gross(?:ly)?|en bloc|surgical(?:ly)? "
    r"removed|removed (?:tumou?r|mass|lesion))\b",
    re.IGNORECASE,
)
BIOPSY_RE = re.compile(r"\b(?:cores?|fragments?|chips?|curettings?)\b", re.IGNORECASE)
#: millimetres per unit; ``tests/test_size.py`` checks the factors against pint's
#: default unit registry (importing pint at run time cost ~0.26 s of pipeline load)
MM_PER_UNIT: dict[str, float] = {"mm": 1.0, "cm": 10.0, "m": 1000.0}

#: classes of measured objects (``vocab/measured_objects.csv``)
LESION_CLASSES = frozenset({"lesion", "specimen"})
NON_LESION_CLASSES = frozenset(
    {
        "body",
        "device",
        "cardiovascular",
        "imaging",
        "distance",
        "incision",
        "anatomy",
        "finding",
        "laboratory",
    }
)
#: where a lesion is, when the object of a preposition or participle (rule 4)
LOCATIVE_CLASSES = frozenset({"anatomy", "cardiovascular"})
STRUCTURAL_CLASSES = frozenset({"dimension", "reference"})
OBJECT_CLASSES = LESION_CLASSES | NON_LESION_CLASSES
PRONOUNS = frozenset({"it", "they", "this", "these", "those"})
OBJECTS_SPEC = FileSpec(
    ("term", "class", "synonyms", "note"),
    "term",
    ("synonyms",),
    validators={"class": re.compile("|".join(sorted(OBJECT_CLASSES | STRUCTURAL_CLASSES)))},
)
_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[^\w\s]")
_SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[A-Z0-9(\[])|\n\s*\n|(?<=[.!?:])\n")
MAX_SENTENCE = 600
_SHORT_FORM_RE = re.compile(r"\s?\(([A-Z][A-Za-z]{0,5}[A-Z])\)")


def mm_per(unit: str) -> float:
    """Millimetres in one ``unit`` ('mm', 'cm', 'm')."""
    return MM_PER_UNIT[unit]


def canonical_unit(unit: str) -> str:
    u = unit.lower()
    if u.startswith("milli"):
        return "mm"
    if u.startswith("centi"):
        return "cm"
    if u.startswith("met"):
        return "m"
    return u


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_size(text: str) -> SizeValue | None:
    """'4.5 X 3.5 X 2.6 Cm' -> dims_mm [45, 35, 26]; None when not a 1-3-D size."""
    parts = _SEPARATOR_RE.split(text.strip())
    if not 1 <= len(parts) <= 3:
        return None
    numbers: list[float] = []
    units: list[str | None] = []
    for part in parts:
        number = _NUMBER_RE.match(part.strip())
        if not number:
            return None
        numbers.append(_number(number.group(0)))
        unit = _UNIT_RE.search(part, number.end())
        units.append(canonical_unit(unit.group(1)) if unit else None)
    if units[-1] is None:
        return None
    resolved = [u or units[-1] for u in units]
    dims = [round(n * mm_per(u), 3) for n, u in zip(numbers, resolved, strict=True)]
    if not all(d > 0 for d in dims):
        return None
    return SizeValue(dims_mm=dims, max_mm=max(dims), unit=units[-1])


def parse_size_range(low: str, high: str, unit: str) -> SizeValue | None:
    """'2- to 3-cm' -> the upper bound, 30 mm."""
    lo, hi = _number(low), _number(high)
    if hi <= lo:
        return None
    u = canonical_unit(unit)
    size = round(hi * mm_per(u), 3)
    return SizeValue(dims_mm=[size], max_mm=size, unit=u)


def _rules() -> list[Rule]:
    return load_rules(RULES_PACKAGE, RULES_FILE, _EXTRA_KEYS)


def measured_on(sentence: str) -> str | None:
    """What a size in ``sentence`` measures: 'biopsy', 'specimen' or None."""
    if BIOPSY_RE.search(sentence):
        return "biopsy"
    if SPECIMEN_RE.search(sentence):
        return "specimen"
    return None


# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class LinkConfig:
    not_length_after: re.Pattern[str]
    spatial_after: re.Pattern[str]
    locative_words: frozenset[str]
    run_stops: frozenset[str]
    pp_reach: int
    run_reach: int


@cache
def link_config() -> LinkConfig:
    """The ``link`` settings of ``size_rules.json`` (validated: a bad one names the file)."""
    name, raw = read_json_resource(RULES_PACKAGE, RULES_FILE)
    link_raw = raw.get("link") if isinstance(raw, dict) else None
    keys = ("not_length_after", "spatial_after", "locative_words", "run_stops")
    if not isinstance(link_raw, dict) or any(k not in link_raw for k in keys):
        raise RuleFileError(f"{name}: 'link' must be an object with keys {list(keys)}")
    try:
        return LinkConfig(
            re.compile(link_raw["not_length_after"], re.IGNORECASE),
            re.compile(link_raw["spatial_after"], re.IGNORECASE),
            frozenset(w.lower() for w in link_raw["locative_words"]),
            frozenset(w.lower() for w in link_raw["run_stops"]),
            int(link_raw.get("pp_reach", 5)),
            int(link_raw.get("run_reach", 5)),
        )
    except re.error as exc:
        raise RuleFileError(f"{name}: link: invalid pattern: {exc}") from exc


def parse_measured_objects(name: str, text: str) -> list[VocabEntry]:
    """Validate ``measured_objects.csv``: a bad row raises :class:`VocabularyError`
    naming the file and the line (unknown class, empty term, duplicate synonym)."""
    entries = parse_vocabulary(name, text, OBJECTS_SPEC)
    for entry in entries:
        if not entry.get("class"):
            raise VocabularyError(f"{name} line {entry.line}: empty class for {entry.canonical!r}")
    return entries


@cache
def object_index() -> PhraseIndex:
    return PhraseIndex(parse_measured_objects(OBJECTS_FILE, read_vocabulary_text(OBJECTS_FILE)))


@cache
def _lesion_diagnosis() -> tuple[PhraseIndex | None, Any]:
    """The diagnosis matcher and a test for the entries that are lesions (not comorbidities)."""
    from extractor.fields.diagnosis import config, is_comorbidity

    try:
        index = phrase_index("diagnoses.csv")
    except VocabularyError:
        return None, None
    cfg = config()
    return index, lambda entry: not is_comorbidity(entry, cfg)


@cache
def _site_index() -> PhraseIndex | None:
    try:
        return phrase_index("sites.csv")
    except VocabularyError:
        return None


# ---------------------------------------------------------------- linking


@dataclass(frozen=True)
class Unit:
    """A piece of a sentence: an object phrase, a measurement, a word or a mark."""

    start: int
    end: int
    text: str
    kind: str  # "object", "measure", "word", "mark"
    cls: str | None = None  # class of an object phrase

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Link:
    """What a measurement measures: the object phrase, its class and the rule used."""

    text: str | None
    cls: str | None
    rule: str
    start: int = -1

    @property
    def is_lesion(self) -> bool:
        return self.cls in LESION_CLASSES


@lru_cache(maxsize=4096)
def object_phrases(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, class, text) of the object phrases in ``text``, longest first on
    overlaps (ties: measured_objects.csv, then diagnoses, then sites)."""
    found: list[tuple[int, int, int, str]] = []
    for m in object_index().find(text):
        found.append((m.start, m.end, 0, m.entry.get("class") or ""))
    dx_index, is_lesion = _lesion_diagnosis()
    if dx_index is not None:
        for m in dx_index.find(text):
            if is_lesion(m.entry):
                found.append((m.start, m.end, 1, "lesion"))
    sites = _site_index()
    if sites is not None:
        for m in sites.find(text):
            found.append((m.start, m.end, 2, "anatomy"))
    kept: list[tuple[int, int, int, str]] = []
    for item in sorted(found, key=lambda f: (-(f[1] - f[0]), f[2], f[0])):
        if all(item[1] <= k[0] or k[1] <= item[0] for k in kept):
            kept.append(item)
    return tuple((s, e, c, text[s:e]) for s, e, _p, c in sorted(kept))


def sentence_span(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the sentence of ``text`` containing ``pos``: sentences end at '.', '!',
    '?' followed by a space and a capital, digit or bracket, and at a blank line (a
    single line break inside a sentence is hard wrapping); at most
    :data:`MAX_SENTENCE` characters either side."""
    lo = max(0, pos - MAX_SENTENCE)
    start = lo
    for m in _SENTENCE_END_RE.finditer(text, lo, min(len(text), pos + 2)):
        if m.end() <= pos:
            start = m.end()
    end_match = _SENTENCE_END_RE.search(text, pos, min(len(text), pos + MAX_SENTENCE))
    end = end_match.end() if end_match else min(len(text), pos + MAX_SENTENCE)
    return start, end


def defined_abbreviations(text: str) -> dict[str, str]:
    """Short forms defined right after an object phrase -> its class: "pseudoaneurysm
    (PA)" makes every "PA" of ``text`` an object of class lesion."""
    out: dict[str, str] = {}
    for m in _SHORT_FORM_RE.finditer(text):
        before = text[max(0, m.start() - 80) : m.start()]
        phrases = object_phrases(before.rstrip())
        if phrases and phrases[-1][1] == len(before.rstrip()) and phrases[-1][2]:
            out.setdefault(m.group(1), phrases[-1][2])
    return out


def units_of(
    text: str,
    start: int,
    end: int,
    measures: list[tuple[int, int]],
    abbreviations: dict[str, str] | None = None,
) -> list[Unit]:
    """The units of ``text[start:end]``: measurements, object phrases (and short forms
    of object phrases defined in the text), words and marks."""
    abbreviations = abbreviations or {}
    chunk = text[start:end]
    units = [Unit(s, e, text[s:e], "measure") for s, e in measures if start <= s and e <= end]
    taken = [(u.start, u.end) for u in units]
    for s, e, cls, phrase in object_phrases(chunk):
        s, e = s + start, e + start
        if all(e <= a or b <= s for a, b in taken):
            units.append(Unit(s, e, phrase, "object", cls))
            taken.append((s, e))
    for m in _WORD_RE.finditer(chunk):
        s, e = m.start() + start, m.end() + start
        if all(e <= a or b <= s for a, b in taken):
            if m.group(0) in abbreviations:
                units.append(Unit(s, e, m.group(0), "object", abbreviations[m.group(0)]))
                continue
            kind = "word" if m.group(0)[0].isalnum() else "mark"
            units.append(Unit(s, e, m.group(0), kind))
    return sorted(units, key=lambda u: u.start)


def _is_object(unit: Unit) -> bool:
    return unit.kind == "object" and unit.cls in OBJECT_CLASSES


def _as_link(unit: Unit, rule: str) -> Link:
    return Link(unit.text, unit.cls, rule, unit.start)


class _Linker:
    """Links the measurements of one text (see the module docstring for the rules)."""

    def __init__(self, text: str, measures: list[tuple[int, int]]) -> None:
        self.text = text
        self.measures = measures
        self.cfg = link_config()
        self.links: dict[tuple[int, int], Link] = {}
        self.abbreviations = defined_abbreviations(text) if measures else {}

    def link(self, start: int, end: int) -> Link:
        key = (start, end)
        if key not in self.links:
            self.links[key] = Link(None, None, "size.link.none")  # guards recursion
            self.links[key] = self._link(start, end)
        return self.links[key]

    def _link(self, start: int, end: int) -> Link:
        text, cfg = self.text, self.cfg
        after = text[end : end + 60]
        if cfg.not_length_after.match(after):
            return Link(after.split()[0] if after.split() else None, "pressure", "size.link.unit")
        if cfg.spatial_after.match(after):
            return Link(after.split()[0], "distance", "size.link.distance")
        s_start, s_end = sentence_span(text, start)
        before = len(text[:s_start].rstrip().rstrip(".!?"))
        p_start = sentence_span(text, before - 1)[0] if before > 0 else s_start
        units = units_of(text, p_start, s_end, self.measures, self.abbreviations)
        i = next(k for k, u in enumerate(units) if u.kind == "measure" and u.start == start)
        first = next(k for k, u in enumerate(units) if u.start >= s_start)
        for step in (self._premodified, self._quantity_of):
            found = step(units, i)
            if found is not None:
                return found
        found = self._backward(units, i, first)
        if found is not None:
            return found
        return self._default(units, i, first)

    def _run(self, units: list[Unit], i: int) -> list[Unit]:
        run: list[Unit] = []
        for u in units[i + 1 :]:
            if u.text == "," and not (run and run[-1].kind == "word"):
                break  # a comma only between adjectives: "a 2 cm red, gritty lesion"
            if u.kind == "measure" or (u.kind == "mark" and u.text not in "-/,"):
                break
            if u.kind == "word" and (u.low in self.cfg.run_stops or u.text[0].isdigit()):
                break
            if u.kind != "mark":
                run.append(u)
            if len(run) >= self.cfg.run_reach:
                break
        return run

    def _premodified(self, units: list[Unit], i: int) -> Link | None:
        objects = [u for u in self._run(units, i) if _is_object(u)]
        return _as_link(objects[-1], "size.link.premodifier") if objects else None

    def _quantity_of(self, units: list[Unit], i: int) -> Link | None:
        if i + 1 < len(units) and units[i + 1].low == "of":
            objects = [u for u in self._run(units, i + 1) if _is_object(u)]
            if objects:
                return _as_link(objects[-1], "size.link.quantity_of")
        return None

    def _governed(self, units: list[Unit], j: int, floor: int) -> bool:
        """True when ``units[j]`` follows a preposition or participle within reach
        (through coordinated places: "in the neck and paraspinal muscles")."""
        for u in reversed(units[max(floor, j - self.cfg.pp_reach) : j]):
            if u.kind == "measure" or (_is_object(u) and u.cls not in LOCATIVE_CLASSES):
                return False
            if u.kind == "mark" and u.text not in "-/":
                return False
            if u.kind == "word" and u.low in self.cfg.locative_words:
                return True
        return False

    def _backward(self, units: list[Unit], i: int, first: int) -> Link | None:
        floor = first
        located: Unit | None = None
        j = i - 1
        while j >= floor:
            u = units[j]
            if u.text == ";":
                break
            if u.kind == "measure":
                between = {w.low for w in units[j + 1 : i]}
                if between & {"and", "or", ",", "to", "x"}:
                    earlier = self.link(u.start, u.end)
                    if earlier.cls is not None:
                        return Link(earlier.text, earlier.cls, "size.link.coordinated")
            elif u.kind == "object" and u.cls == "reference":
                if u.low in PRONOUNS:
                    return self._pronoun(units, j)
                floor = 0  # "the largest": the objects may be in the previous sentence
            elif _is_object(u):
                if u.cls in LOCATIVE_CLASSES and self._governed(units, j, floor):
                    located = located or u
                else:
                    return _as_link(u, "size.link.backward")
            j -= 1
        return _as_link(located, "size.link.located") if located else None

    def _pronoun(self, units: list[Unit], j: int) -> Link | None:
        for u in reversed(units[:j]):
            if _is_object(u) and u.cls in LESION_CLASSES:
                return _as_link(u, "size.link.pronoun")
        return None

    def _default(self, units: list[Unit], i: int, first: int) -> Link:
        here = units[i]
        objects = [u for u in units[first:] if _is_object(u)]
        if not objects:  # elliptical: the last object of the previous sentence
            earlier = [u for u in units[:first] if _is_object(u)]
            extent = any(u.cls == "dimension" for u in units[first:])
            if not (earlier and extent):
                return Link(None, None, "size.link.none")
            return _as_link(earlier[-1], "size.link.previous_sentence")
        near = min(objects, key=lambda u: min(abs(u.start - here.end), abs(here.start - u.end)))
        return _as_link(near, "size.link.sentence")


def _matches(text: str) -> list[tuple[int, int, SizeValue, str]]:
    found = []
    for rule in _rules():
        kind = rule.options.get("kind")
        for match in rule.regex.finditer(text):
            if kind == "range":
                value = parse_size_range(match.group("lo"), match.group("hi"), match.group("unit"))
            else:
                value = parse_size(match.group(0))
            if value is not None:
                found.append((match.start(), match.end(), value, rule.id))
    return drop_overlaps(found)


def link_sizes(text: str) -> list[tuple[int, int, SizeValue, str, Link]]:
    """Every length measurement of ``text`` with its :class:`Link`, kept or not."""
    found = _matches(text)
    linker = _Linker(text, [(s, e) for s, e, _v, _r in found])
    return [(s, e, v, r, linker.link(s, e)) for s, e, v, r in found]


def link(text: str, start: int, end: int) -> Link:
    """What the measurement ``text[start:end]`` measures."""
    return _Linker(text, [(s, e) for s, e, _v, _r in _matches(text)]).link(start, end)


def rejected_by(text: str, start: int, end: int) -> str | None:
    """Why the measurement ``text[start:end]`` is not a lesion size ("size.not:<class>"),
    or None when it measures a lesion."""
    found = link(text, start, end)
    return None if found.is_lesion else f"size.not:{found.cls}"


def measurement_clause(text: str, start: int, end: int) -> str:
    """The words that introduce a measurement and the rest of its clause: its sentence
    up to the measurement, then on to the next comma or semicolon ("The resected tumour
    measured 4 cm" -> specimen; "a lesion (4 cm) underwent biopsy, ... and en bloc
    resection" -> the words after the comma are another clause)."""
    s_start, s_end = sentence_span(text, start)
    rest = re.search(r"[,;]", text[end:s_end])
    return text[s_start : end + rest.start() if rest else s_end]


def find_sizes(text: str) -> list[tuple[int, int, SizeValue, str]]:
    """(start, end, value, rule id) for every lesion size in ``text``; ``value.measures``
    is the text of the lesion it measures."""
    out = []
    for s, e, value, rule, found in link_sizes(text):
        if found.is_lesion:
            value.measures = found.text
            out.append((s, e, value, rule))
    return out


class SizeField(BaseField):
    name = FieldName.SIZE

    def find(self, doc: Doc) -> list[Candidate]:
        out = []
        text = doc_text(doc)
        for s, e, value, rule in find_sizes(text):
            if in_patient_context(doc, s):
                value.measured_on = measured_on(measurement_clause(text, s, e))
                out.append(Candidate(self.name, s, e, value.model_dump(), rule))
        return out

    def summarize(self, mentions: list[Mention]) -> dict[str, Any]:
        usable = [
            m
            for m in mentions
            if not (m.assertion.negated or m.assertion.hypothetical or m.assertion.historical)
        ]
        on = [m.value.get("measured_on") for m in usable]
        specimen = [m for m, o in zip(usable, on, strict=True) if o == "specimen"]
        clinical = [m for m, o in zip(usable, on, strict=True) if o is None]
        pool = specimen or clinical or usable
        if not pool:
            return {"size_max_mm": None, "size_dims_mm": []}
        best = max(pool, key=lambda m: m.value["max_mm"])
        return {"size_max_mm": best.value["max_mm"], "size_dims_mm": best.value["dims_mm"]}


EXTRACTOR = SizeField()
