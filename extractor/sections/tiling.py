"""Accepted headings -> labelled sections tiling the text (pure functions).

Steps, each a small function:

1. :func:`drop_list_entries`: under a list of index terms ("MeSH terms", "Keywords"),
   a term line that is also a heading word ("Diagnosis" followed by "Diagnosis,
   Differential") is an entry of the list, not a heading; in references, similar
   articles and cited-by lists, a title that begins with a heading word ("- Case
   report: ...", "3. Diagnosis: ...") is another article's, so only a patient or
   literature heading standing bare on its line leaves such a list. Web-chrome
   and metadata headings that open the text (:func:`drop_opening_chrome`) are front
   matter.
2. :func:`drop_navigation_links`: an on-page table of contents ("Full Text /
   Bibliography / Figures (2)" before the article) lists headings that come again
   later; such a heading with an empty body is a link, not a section.
3. :func:`resolve_labels`: labels that depend on position. Inside a structured
   abstract "Background", "Case presentation", "Conclusion(s)" become
   ``abstract_background`` / ``abstract_case`` / ``abstract_conclusion``. An inline
   label ("... is rare. CASE REPORT We present ...") opens a section only inside an
   abstract, or on the line of a structured-abstract label that opens the paragraph
   (which then is read as an abstract part too); elsewhere it is text.
4. :func:`tile`: sections from heading to heading. A caption or web-chrome line
   covers only its line (and, for a caption standing alone, the paragraph after it
   plus trailer lines such as "(0.13MB)."); body text after it without a heading is
   a continuation: heading "" and the label of the section open before it. The first
   section is ``front_matter`` from offset 0 (empty when the text opens on a heading).
5. :func:`merge_chrome`: adjacent web-chrome sections are one block, unless a
   headline chrome heading (rule key ``opens_block``) starts a new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.schema import SECTION_KINDS, SectionKind
from extractor.sections import SectionSpan
from extractor.sections.headings import Heading
from extractor.sections.ruleset import ABSTRACT_PARTS

_CONTENT_KINDS = frozenset(
    {SectionKind.PATIENT, SectionKind.LITERATURE, SectionKind.OTHER_ARTICLES}
)
_BLANK_RE = re.compile(r"\s*")
_TERM_WORD_LABELS = frozenset(
    label
    for label, kind in SECTION_KINDS.items()
    if kind in (SectionKind.PATIENT, SectionKind.LITERATURE)
)
#: headings of the page around the article, not of the article
_PAGE_LABELS = frozenset({"web_chrome", "metadata"})
#: a line of a term list: short, not a sentence ("Diagnosis, Differential", "Spine*")
_TERM_LINE_RE = re.compile(r"[^\n]{1,60}(?<![.:;])")


def _blank(text: str, start: int, end: int) -> bool:
    return _BLANK_RE.fullmatch(text, start, end) is not None


def line_end(text: str, pos: int) -> int:
    """Offset just past the newline ending the line that holds ``pos``."""
    newline = text.find("\n", pos)
    return len(text) if newline < 0 else newline + 1


def _next_line(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the first non-blank line after the line holding ``pos``."""
    start = line_end(text, pos)
    while start < len(text) and text[start] in " \t\n":
        start += 1
    end = text.find("\n", start)
    return start, len(text) if end < 0 else end


def _bare_alone(text: str, heading: Heading) -> bool:
    """Alone on its line without a number or bullet ("Case report", not "- Case report")."""
    line_start = text.rfind("\n", 0, heading.start) + 1
    return (
        heading.form == "alone"
        and heading.start == heading.match_start
        and _blank(text, line_start, heading.start)
    )


def _list_entry(text: str, heading: Heading, in_list: str | None, starts: set[int]) -> bool:
    if in_list is None or heading.rule.category not in _TERM_WORD_LABELS:
        return False
    if in_list == "articles":
        return heading.rule.scope == "section" and not _bare_alone(text, heading)
    if heading.form != "alone":
        return False
    start, end = _next_line(text, heading.end)
    return start not in starts and _TERM_LINE_RE.fullmatch(text, start, end) is not None


def drop_list_entries(text: str, headings: Sequence[Heading]) -> list[Heading]:
    """Drop the patient or literature headings that are entries of a list: a term of a
    term list whose next line is a term too, or an article title in an article list.
    Any other heading ends the list."""
    kept: list[Heading] = []
    in_list: str | None = None  # None | "terms" | "articles"
    starts = {h.start for h in headings}
    for heading in headings:
        if _list_entry(text, heading, in_list, starts):
            continue
        rule = heading.rule
        if rule.term_list:
            in_list = "terms"
        elif SECTION_KINDS[rule.category] == SectionKind.OTHER_ARTICLES:
            in_list = "articles"
        else:
            in_list = None
        kept.append(heading)
    return kept


def drop_opening_chrome(text: str, headings: Sequence[Heading]) -> list[Heading]:
    """Web-chrome and metadata headings that open the text ("Skip to main page content", "U.S.
    flag", "Journal Information") belong to the front matter, which always starts the
    text; a headline chrome heading ("An official website ...") after them still opens
    a block, and so does any heading after text."""
    pos = 0
    for i, heading in enumerate(headings):
        chrome = heading.rule.category in _PAGE_LABELS
        headline = i > 0 and heading.rule.opens_block
        if not chrome or headline or not _blank(text, pos, heading.start):
            return list(headings[i:])
        pos = line_end(text, heading.end)
    return []


def drop_navigation_links(text: str, headings: Sequence[Heading]) -> list[Heading]:
    """Drop empty content headings whose label comes again later (a table of contents)."""
    last_index = {h.rule.category: i for i, h in enumerate(headings)}
    kept: list[Heading] = []
    for i, heading in enumerate(headings):
        rule = heading.rule
        is_link = (
            rule.scope == "section"
            and SECTION_KINDS[rule.category] in _CONTENT_KINDS
            and i + 1 < len(headings)
            and last_index[rule.category] > i + 1
            and _blank(text, heading.end, headings[i + 1].start)
        )
        if not is_link:
            kept.append(heading)
    return kept


def _labelled_part(heading: Heading) -> bool:
    """A structured-abstract label written with its text ("Background: ...")."""
    return heading.form != "alone" and heading.rule.abstract_label is not None


def _abstract_label(
    text: str, heading: Heading, state: str, previous: Heading | None, next_part: bool
) -> str | None:
    """The abstract-part label of ``heading`` if it is read inside a structured abstract.

    Without an "Abstract" heading, two labelled parts in a row ("Background: ...",
    then "Case presentation: ...") are a structured abstract too (``next_part``).
    """
    rule = heading.rule
    if rule.category in ABSTRACT_PARTS:
        return rule.category
    if rule.in_abstract is None:
        return None
    if state == "none" and next_part and _labelled_part(heading):
        return rule.in_abstract
    if state not in ("abstract", "structured"):
        return None
    # after the text of an unstructured abstract a heading on its own line opens the body
    right_after = previous is not None and _blank(text, previous.end, heading.start)
    if state == "structured" or right_after:
        return rule.in_abstract
    return None


def _next_part_flags(headings: Sequence[Heading]) -> list[bool]:
    """For each heading: is the next section heading a labelled abstract part?"""
    flags = [False] * len(headings)
    following = False
    for i in range(len(headings) - 1, -1, -1):
        flags[i] = following
        if headings[i].rule.scope == "section":
            following = _labelled_part(headings[i])
    return flags


def _same_line(text: str, previous: Heading | None, heading: Heading) -> bool:
    return previous is not None and text.find("\n", previous.start, heading.start) < 0


def resolve_labels(text: str, headings: Sequence[Heading]) -> list[str | None]:
    """The label of each heading, reading structured abstracts in context; None for an
    inline label that is text, not a heading."""
    labels: list[str | None] = []
    state = "none"  # none | abstract | structured | concluded
    previous: Heading | None = None
    previous_index = -1
    next_part = _next_part_flags(headings)
    for heading, part_follows in zip(headings, next_part, strict=True):
        if heading.rule.scope != "section":
            labels.append(heading.rule.category)
            continue
        if heading.inline:
            label = heading.rule.abstract_label
            opener = previous.rule.abstract_label if previous is not None else None
            if state in ("abstract", "structured"):
                pass
            elif opener is not None and _same_line(text, previous, heading):
                labels[previous_index] = opener  # the paragraph is a structured abstract
            else:
                label = None
            if label is None:
                labels.append(None)
                continue
        else:
            part = _abstract_label(text, heading, state, previous, part_follows)
            label = part or heading.rule.category
        if label == "abstract_conclusion":
            state = "concluded"
        elif label in ABSTRACT_PARTS:
            state = "structured"
        else:
            state = "abstract" if label == "abstract" else "none"
        labels.append(label)
        previous = heading
        previous_index = len(labels) - 1
    return labels


def scope_end(text: str, heading: Heading, trailers: Sequence[re.Pattern[str]]) -> int:
    """End of a line- or paragraph-scoped section (caption, chrome line)."""
    end = line_end(text, heading.end)
    if heading.rule.scope == "paragraph" and heading.form == "alone" and end < len(text):
        end = line_end(text, end)
    while end < len(text):
        following = line_end(text, end)
        line = text[end:following].rstrip("\n")
        if not any(t.fullmatch(line) for t in trailers):
            break
        end = following
    return end


def tile(
    text: str,
    headings: Sequence[Heading],
    labels: Sequence[str],
    trailers: Sequence[re.Pattern[str]] = (),
) -> list[SectionSpan]:
    """Sections tiling ``text``: front matter, then one section per heading."""
    first = headings[0].start if headings else len(text)
    spans = [SectionSpan("front_matter", "", 0, first)]
    open_label = "front_matter"
    for i, (heading, label) in enumerate(zip(headings, labels, strict=True)):
        next_start = headings[i + 1].start if i + 1 < len(headings) else len(text)
        rule_id = heading.rule.id
        if heading.rule.scope == "section":
            spans.append(SectionSpan(label, heading.text, heading.start, next_start, rule_id))
            open_label = label
            continue
        end = min(scope_end(text, heading, trailers), next_start)
        rest = text[end:next_start]
        body = end + len(rest) - len(rest.lstrip())
        spans.append(SectionSpan(label, heading.text, heading.start, body, rule_id))
        if body < next_start:
            spans.append(SectionSpan(open_label, "", body, next_start))
    return spans


def merge_chrome(
    spans: Sequence[SectionSpan], block_rules: frozenset[str] = frozenset()
) -> list[SectionSpan]:
    """Merge adjacent web-chrome sections into the first of them, except a headline
    chrome heading (its rule in ``block_rules``), which opens a block of its own."""
    merged: list[SectionSpan] = []
    for span in spans:
        chrome_run = merged and span.label == "web_chrome" and merged[-1].label == "web_chrome"
        if chrome_run and span.rule not in block_rules:
            prev = merged.pop()
            span = SectionSpan(prev.label, prev.heading, prev.start, span.end, prev.rule)
        merged.append(span)
    return merged


def build_sections(
    text: str,
    headings: Sequence[Heading],
    trailers: Sequence[re.Pattern[str]] = (),
    block_rules: frozenset[str] = frozenset(),
) -> list[SectionSpan]:
    """Accepted headings (in text order) -> sections tiling ``text``."""
    kept = drop_navigation_links(text, drop_list_entries(text, headings))
    kept = drop_opening_chrome(text, kept)
    labels = resolve_labels(text, kept)
    read = [(h, label) for h, label in zip(kept, labels, strict=True) if label is not None]
    return merge_chrome(
        tile(text, [h for h, _ in read], [label for _, label in read], trailers), block_rules
    )
