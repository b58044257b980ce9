"""What a length measurement measures: its object, the object's class, and the rule.

Every measurement is linked to what it measures, in its
sentence, and kept only when that object is a lesion (a mass, tumour, nodule, cyst, the
specimen) or another pathological finding of the patient (class pathology: an effusion,
a septal or hernia defect, a tear, an enlarged lymph node; kept as size mentions but never
a lesion's size, see :mod:`extractor.fields.size`). Objects are phrases of
``vocab/measured_objects.csv`` (classes lesion, specimen, pathology, body, device,
cardiovascular, imaging, distance, incision, anatomy, finding, laboratory), any
diagnosis of ``vocab/diagnoses.csv`` except comorbidities (class lesion) and any site
of ``vocab/sites.csv`` (class anatomy; lymph node regions are class pathology); the
longest phrase wins (the vocabulary and the phrases: :mod:`extractor.fields.measured_vocab`).
The first rule that applies decides:

1. distance: the measurement is followed by a spatial relation ("10 cm from the
   anal verge", "3 cm below the costal margin", "1 cm lateral to ...");
2. premodifier: it premodifies a noun phrase, also in brackets ("a 3-cm soft mass",
   "a large (12 cm) mass", "a 2 cm sessile polyp", "a 7 mm diameter tracheal tube",
   "5 cm taller"): the object is the last
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

"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple

from extractor.fields.measured_vocab import (  # noqa: F401 - re-exported for callers
    KEPT_CLASSES,
    LESION_CLASSES,
    LOCATIVE_CLASSES,
    NON_LESION_CLASSES,
    OBJECT_CLASSES,
    OBJECTS_FILE,
    PATHOLOGY_CLASSES,
    PRONOUNS,
    STRUCTURAL_CLASSES,
    WORD_RE,
    LinkConfig,
    defined_class,
    link_config,
    object_index,
    object_phrases,
    parse_measured_objects,
    sentence_span,
    separable,
    short_forms,
)

# ---------------------------------------------------------------- linking


class Unit(NamedTuple):
    """A piece of a sentence: an object phrase, a measurement, a word or a mark (a
    named tuple: a report makes about fifty, and a frozen dataclass costs five times
    more to build)."""

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

    @property
    def is_kept(self) -> bool:
        """A lesion, a specimen or another pathological finding: a size mention."""
        return self.cls in KEPT_CLASSES


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
    free = _free_of(taken)
    for m in WORD_RE.finditer(text, start, end):  # no lookaround: as in the chunk
        s, e = m.span()
        if free(s, e):
            word = m.group()
            if word in abbreviations:
                units.append(Unit(s, e, word, "object", abbreviations[word]))
            else:
                units.append(Unit(s, e, word, "word" if word[0].isalnum() else "mark"))
    return sorted(units, key=itemgetter(0))


def _free_of(taken: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test that [s, e) overlaps none of the ``taken`` spans (``all(e <= a or b <= s)``),
    by bisection: the spans starting before ``e`` overlap it when their largest end
    passes ``s``."""
    spans = sorted(taken)
    starts = [a for a, _b in spans]
    reach = list(accumulate((b for _a, b in spans), max))

    def free(s: int, e: int) -> bool:
        i = bisect_left(starts, e)
        return i == 0 or reach[i - 1] <= s

    return free


#: what the rules on a sentence alone return when they need the previous sentence
_WIDER = Link(None, None, "size.link.wider")


def _is_object(unit: Unit) -> bool:
    return unit.kind == "object" and unit.cls in OBJECT_CLASSES


def _as_link(unit: Unit, rule: str) -> Link:
    return Link(unit.text, unit.cls, rule, unit.start)


class Linker:
    """Links the measurements of one text (see the module docstring for the rules)."""

    def __init__(self, text: str, measures: list[tuple[int, int]]) -> None:
        self.text = text
        self.measures = measures
        self.cfg = link_config()
        self.links: dict[tuple[int, int], Link] = {}
        #: short forms in brackets -> their offsets; the class each defines, looked up
        #: only when a span read contains it (most never reach a measurement's sentences)
        self.short_forms = short_forms(text) if measures else {}
        self.defined: dict[str, str | None] = {}
        #: the units of each span read (measurements of one sentence share them)
        self.spans: dict[tuple[int, int], list[Unit]] = {}

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
        if self._alone(s_start, s_end):  # the sentence alone decides most measurements
            found = self._decide(self._units(s_start, s_end), start, 0, alone=True)
            if found is not _WIDER:
                return found
        before = len(text[:s_start].rstrip().rstrip(".!?"))
        p_start = sentence_span(text, before - 1)[0] if before > 0 else s_start
        units = self._units(p_start, s_end)
        first = next(k for k, u in enumerate(units) if u.start >= s_start)
        return self._decide(units, start, first)

    def _alone(self, s_start: int, s_end: int) -> bool:
        """True when the units of the sentence ``[s_start, s_end)`` are those that the
        span from the previous sentence has from ``s_start`` on: no measurement crosses
        ``s_start`` and no object phrase can (:func:`separable`; words never do, a
        sentence starts after a mark or a line break)."""
        if s_start <= 0 or any(s < s_start < e for s, e in self.measures):
            return False
        return separable(self.text, s_start, s_end)

    def _decide(self, units: list[Unit], start: int, first: int, alone: bool = False) -> Link:
        """The rules on ``units`` (the sentence from ``units[first]``); with ``alone``
        (the sentence's units only), :data:`_WIDER` when a rule reads the previous
        sentence: a reference ("it", "the largest") or a sentence without an object."""
        i = next(k for k, u in enumerate(units) if u.kind == "measure" and u.start == start)
        for step in (self._premodified, self._quantity_of):
            found = step(units, i)
            if found is not None:
                return found
        found = self._backward(units, i, first, alone)
        if found is not None:
            return found
        if alone and not any(_is_object(u) for u in units):
            return _WIDER
        return self._default(units, i, first)

    def _units(self, start: int, end: int) -> list[Unit]:
        """:func:`units_of` the span, computed once per span (read-only afterwards)."""
        units = self.spans.get((start, end))
        if units is None:
            units = units_of(self.text, start, end, self.measures, self._abbreviations(start, end))
            self.spans[(start, end)] = units
        return units

    def _abbreviations(self, start: int, end: int) -> dict[str, str]:
        """The defined short forms written in ``text[start:end]`` -> their class: a word of
        the span can only be a short form found in it (as a substring), so the others
        are not looked up."""
        out: dict[str, str] = {}
        for form, starts in self.short_forms.items():
            if self.text.find(form, start, end) < 0:
                continue
            if form not in self.defined:
                self.defined[form] = defined_class(self.text, starts)
            cls = self.defined[form]
            if cls:
                out[form] = cls
        return out

    def _run(self, units: list[Unit], i: int) -> list[Unit]:
        run: list[Unit] = []
        # a bracketed measurement inside the noun phrase: "a large (12 cm) mass"
        bracketed = i > 0 and units[i - 1].text == "(" and units[i + 1 : i + 2]
        skip = i + 1 if bracketed and units[i + 1].text == ")" else None
        for k, u in enumerate(units[i + 1 :], start=i + 1):
            if k == skip:
                continue
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

    def _backward(self, units: list[Unit], i: int, first: int, alone: bool = False) -> Link | None:
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
                if alone:
                    return _WIDER  # the previous sentence may decide
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
