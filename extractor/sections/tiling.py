"""Accepted headings -> labelled sections tiling the text (pure functions).

Steps, each a small function:

1. :func:`drop_navigation_links`: an on-page table of contents ("Full Text /
   Bibliography / Figures (2)" before the article) lists headings that come again
   later; such a heading with an empty body is a link, not a section.
2. :func:`resolve_labels`: labels that depend on position. Inside a structured
   abstract "Background", "Case presentation", "Conclusion(s)" become
   ``abstract_background`` / ``abstract_case`` / ``abstract_conclusion``.
3. :func:`tile`: sections from heading to heading. A caption or web-chrome line
   covers only its line (and, for a caption standing alone, the paragraph after it
   plus trailer lines such as "(0.13MB)."); body text after it without a heading is
   a continuation: heading "" and the label of the section open before it. The first
   section is ``front_matter`` from offset 0 (empty when the text opens on a heading).
4. :func:`merge_chrome`: adjacent web-chrome sections are one block, unless a
   headline chrome heading (rule key ``opens_block``) starts a new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.schema import SECTION_KINDS, SectionKind
from extractor.sections import SectionSpan
from extractor.sections.headings import Heading

ABSTRACT_PARTS = frozenset({"abstract_background", "abstract_case", "abstract_conclusion"})
_CONTENT_KINDS = frozenset(
    {SectionKind.PATIENT, SectionKind.LITERATURE, SectionKind.OTHER_ARTICLES}
)
_BLANK_RE = re.compile(r"\s*")


def _blank(text: str, start: int, end: int) -> bool:
    return _BLANK_RE.fullmatch(text, start, end) is not None


def line_end(text: str, pos: int) -> int:
    """Offset just past the newline ending the line that holds ``pos``."""
    newline = text.find("\n", pos)
    return len(text) if newline < 0 else newline + 1


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


def _abstract_label(
    text: str, heading: Heading, state: str, previous: Heading | None
) -> str | None:
    """The abstract-part label of ``heading`` if it is read inside a structured abstract."""
    rule = heading.rule
    if rule.category in ABSTRACT_PARTS:
        return rule.category
    if rule.in_abstract is None or state not in ("abstract", "structured"):
        return None
    right_after = previous is not None and _blank(text, previous.end, heading.start)
    if heading.form != "alone" or state == "structured" or right_after:
        return rule.in_abstract
    return None


def resolve_labels(text: str, headings: Sequence[Heading]) -> list[str]:
    """The label of each heading, reading structured abstracts in context."""
    labels: list[str] = []
    state = "none"  # none | abstract | structured | concluded
    previous: Heading | None = None
    for heading in headings:
        if heading.rule.scope != "section":
            labels.append(heading.rule.category)
            continue
        label = _abstract_label(text, heading, state, previous) or heading.rule.category
        if label == "abstract_conclusion":
            state = "concluded"
        elif label in ABSTRACT_PARTS:
            state = "structured"
        else:
            state = "abstract" if label == "abstract" else "none"
        labels.append(label)
        previous = heading
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
    kept = drop_navigation_links(text, headings)
    return merge_chrome(tile(text, kept, resolve_labels(text, kept), trailers), block_rules)
