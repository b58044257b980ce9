"""One report -> a self-contained HTML page for reviewing what was extracted, and why.

The page shows the summary as a table (each value a button that highlights the
mentions supporting it, each review flag with its reason, note and evidence; see
:mod:`.review_summary`), the source, a form that downloads a corrected summary as gold
(:mod:`.review_gold`), a legend, then the ORIGINAL report text cut
into section bands (coloured left border + label; other-articles and non-content
greyed). Every mention is highlighted by field; negated mentions are struck through
with a solid red outline, uncertain ones get a dashed orange outline; hovering shows
the normalized value, rule, section and assertion cue (``title`` attribute).

Overlapping mentions never break the markup: the text is cut at every mention and
section boundary into segments, and each segment opens and closes its own nested
spans (outermost = earliest-starting, longest mention). All text is escaped with
:func:`html.escape`; CSS and the script (:mod:`.review_assets`) are inline, CSS scoped
under ``.xr``; no external resources. Each mention's spans carry ``data-i`` (its index
in ``record.mentions``); flag spans without a mention carry ``data-f``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path

from extractor.export.review_assets import PAGE_JS, REVIEW_CSS
from extractor.export.review_gold import gold_form
from extractor.export.review_summary import (
    flag_spans,
    lesion_text,
    mention_reasons,
    summary_panel,
    summary_rows,
)
from extractor.schema import SECTION_KINDS, FieldName, Mention, Record, Section, SectionKind

__all__ = ["lesion_text", "render_review", "review_command", "review_html", "summary_rows"]

FIELD_COLOURS: dict[FieldName, str] = {
    FieldName.AGE: "#ffec99",
    FieldName.SEX: "#fcc2d7",
    FieldName.SITE: "#b2f2bb",
    FieldName.LEVEL: "#a5d8ff",
    FieldName.SIZE: "#d0bfff",
    FieldName.STAIN: "#99e9f2",
    FieldName.DIAGNOSIS: "#ffd8a8",
}
KIND_COLOURS: dict[str, str] = {
    SectionKind.PATIENT: "#2b8a3e",
    SectionKind.LITERATURE: "#1971c2",
    SectionKind.OTHER_ARTICLES: "#868e96",
    SectionKind.NON_CONTENT: "#ced4da",
    "unknown": "#e9ecef",
}
#: assertion flag -> (CSS class, legend text)
ASSERTION_STYLES: dict[str, tuple[str, str]] = {
    "negated": ("neg", "negated: struck through, solid red outline"),
    "uncertain": ("unc", "uncertain: dashed orange outline"),
    "hypothetical": ("hyp", "hypothetical: dotted purple outline"),
    "historical": ("hist", "historical: italic"),
    "family": ("fam", "family: double underline"),
    "resolved": ("res", "resolved: grey wavy underline"),
}
GREYED_KINDS = {SectionKind.OTHER_ARTICLES, SectionKind.NON_CONTENT, "unknown"}

CSS = """
.xr { font: 14px/1.5 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #212529;
  max-width: 1300px; margin: 0 auto; }
.xr h1 { font-size: 20px; margin: 8px 0; }
.xr h2 { font-size: 16px; margin: 16px 0 6px; }
.xr table { border-collapse: collapse; }
.xr th, .xr td { border: 1px solid #dee2e6; padding: 3px 8px; text-align: left;
  vertical-align: top; }
.xr th { background: #f1f3f5; font-weight: 600; }
.xr .panel { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
  gap: 24px; align-items: start; }
.xr .panel table { width: 100%; }
.xr .panel td { overflow-wrap: anywhere; }
.xr .legend span.chip { display: inline-block; margin: 3px 10px 3px 2px; padding: 0 6px; }
.xr .legend .kind { display: inline-block; margin: 2px 6px 2px 0; padding-left: 6px;
  border-left: 6px solid; }
.xr .warn { color: #c92a2a; }
.xr .sec { border-left: 6px solid var(--kc); margin: 6px 0; padding: 2px 0 2px 10px; }
.xr .sec-label { font-size: 11px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--kc); font-weight: 700; }
.xr .sec-label .kindname { font-weight: 400; color: #868e96; }
.xr .sec-text { white-space: pre-wrap; overflow-wrap: anywhere;
  font-family: Georgia, 'Times New Roman', serif; font-size: 15px; }
.xr .sec.grey .sec-text { color: #adb5bd; }
.xr .sec.grey .sec-label { color: #adb5bd; }
.xr .m { border-radius: 3px; padding: 1px 0; cursor: help; }
.xr .m.neg { text-decoration: line-through; text-decoration-color: #e03131;
  text-decoration-thickness: 2px; outline: 2px solid #e03131; outline-offset: 0; }
.xr .m.unc { outline: 2px dashed #e8590c; outline-offset: 1px; }
.xr .m.hyp { outline: 2px dotted #7048e8; outline-offset: 1px; }
.xr .m.hist { font-style: italic; }
.xr .m.fam { text-decoration: underline double; }
.xr .m.res { text-decoration: underline wavy #868e96; }
.xr .m.neg.unc { outline-style: solid; outline-color: #e03131; }
.xr details { margin: 12px 0; }
.xr code { font-size: 12px; }
"""


# ---------------------------------------------------------------- pure helpers


def describe(m: Mention) -> str:
    """The hover text of one mention: value, rule, section, assertion and cue."""
    kind = SECTION_KINDS.get(m.section, "unknown")
    flags = [name for name in ASSERTION_STYLES if getattr(m.assertion, name)]
    lines = [
        f"{m.field}: {m.text}",
        f"value: {json.dumps(m.value, ensure_ascii=False, sort_keys=True)}",
        f"rule: {m.rule}",
        f"section: {m.section} ({kind})",
        f"assertion: {', '.join(flags) or 'affirmed'}",
    ]
    cue = m.assertion.cue
    if cue is not None:
        lines.append(f'cue: "{cue.text}" ({cue.category}, rule {cue.rule}) at {cue.start}')
    return "\n".join(lines)


def mention_classes(m: Mention) -> str:
    flags = [css for name, (css, _) in ASSERTION_STYLES.items() if getattr(m.assertion, name)]
    return " ".join(["m", f"f-{m.field}", *flags])


def blocks(n: int, sections: list[Section]) -> list[tuple[int, int, Section | None]]:
    """Sections as (start, end, section) tiling [0, n); gaps get ``None``."""
    out: list[tuple[int, int, Section | None]] = []
    pos = 0
    for sec in sorted(sections, key=lambda s: (s.start, s.end)):
        start, end = max(sec.start, pos), min(sec.end, n)
        if start >= end:
            continue
        if start > pos:
            out.append((pos, start, None))
        out.append((start, end, sec))
        pos = end
    if pos < n or not out:
        out.append((pos, n, None))
    return out


@dataclass(frozen=True)
class Mark:
    """A highlighted stretch of the report text and the opening tag that marks it."""

    start: int
    end: int
    tag: str


def shown_mentions(text: str, mentions: Iterable[Mention]) -> list[tuple[int, Mention]]:
    """(index, mention) of mentions with a non-empty span inside the text."""
    return [(i, m) for i, m in enumerate(mentions) if 0 <= m.start < m.end <= len(text)]


def mention_mark(i: int, m: Mention, reasons: list[str]) -> Mark:
    flagged = " flagged" if reasons else ""
    extra = f' data-reasons="{escape(" ".join(reasons))}"' if reasons else ""
    return Mark(
        m.start,
        m.end,
        f'<span class="{mention_classes(m)}{flagged}" data-i="{i}" tabindex="-1" '
        f'data-field="{escape(str(m.field))}" data-rule="{escape(m.rule)}"{extra} '
        f'title="{escape(describe(m))}">',
    )


def span_mark(start: int, end: int, k: int) -> Mark:
    return Mark(start, end, f'<span class="fs" data-f="{k}" tabindex="-1" title="review flag">')


def render_text(text: str, start: int, end: int, marks: list[Mark]) -> str:
    """``text[start:end]`` escaped, with nested mark spans per constant segment
    (outermost = earliest-starting, longest)."""
    inside = sorted(
        (m for m in marks if m.start < end and m.end > start), key=lambda m: (m.start, -m.end)
    )
    cuts = {start, end} | {p for m in inside for p in (m.start, m.end) if start < p < end}
    points = sorted(cuts)
    parts: list[str] = []
    for a, b in zip(points, points[1:], strict=False):
        active = [m for m in inside if m.start <= a and m.end >= b]
        opening = "".join(m.tag for m in active)
        parts.append(opening + escape(text[a:b]) + "</span>" * len(active))
    return "".join(parts)


def _section_band(text: str, start: int, end: int, sec: Section | None, marks: list[Mark]) -> str:
    kind = str(sec.kind) if sec else "unknown"
    label = sec.label if sec else "unsectioned"
    heading = f" &mdash; &ldquo;{escape(sec.heading)}&rdquo;" if sec and sec.heading else ""
    grey = " grey" if kind in GREYED_KINDS else ""
    return (
        f'<div class="sec k-{escape(kind)}{grey}" data-section="{escape(label)}" '
        f'style="--kc: {KIND_COLOURS.get(kind, KIND_COLOURS["unknown"])}">'
        f'<div class="sec-label">{escape(label)} <span class="kindname">{escape(kind)}</span>'
        f'{heading} <span class="kindname">[{start}&ndash;{end}]</span></div>'
        f'<div class="sec-text">{render_text(text, start, end, marks)}</div></div>'
    )


def page_css() -> str:
    """The static CSS plus one background rule per field colour."""
    fields = "".join(f".xr .m.f-{f} {{ background: {c}; }}\n" for f, c in FIELD_COLOURS.items())
    return CSS + REVIEW_CSS + fields


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _legend() -> str:
    fields = "".join(
        f'<span class="chip m f-{escape(str(f))}">{escape(str(f))}</span>' for f in FIELD_COLOURS
    )
    flags = "".join(
        f'<span class="chip m {css}" style="background:#f1f3f5">{escape(text)}</span>'
        for css, text in ASSERTION_STYLES.values()
    )
    kinds = "".join(
        f'<span class="kind" style="border-color:{c}">{escape(str(k))}</span>'
        for k, c in KIND_COLOURS.items()
    )
    return (
        f'<div class="legend"><div><b>Fields</b> {fields}</div>'
        f"<div><b>Assertions</b> {flags}</div><div><b>Sections</b> {kinds} "
        "(other-articles and non-content are greyed)</div></div>"
    )


def _source_rows(record: Record, hidden: int, mismatched: int) -> list[tuple[str, str]]:
    src = record.source
    rows = [
        ("Report", escape(record.report_id)),
        ("Source", f"{escape(src.path)}<br><code>{escape(src.sha256)}</code>"),
        ("Characters / encoding", f"{src.n_chars} / {escape(src.encoding)}"),
        ("Schema version", escape(record.schema_version)),
    ]
    problems = [escape(w) for w in record.warnings]
    if hidden:
        problems.append(f"{hidden} mention(s) with empty or out-of-range offsets not shown")
    if mismatched:
        problems.append(f"{mismatched} mention(s) whose text differs from the report text")
    warn = "<br>".join(problems)
    rows.append(("Warnings", f'<span class="warn">{warn}</span>' if warn else "&mdash;"))
    return rows


def _mention_table(record: Record) -> str:
    head = "".join(
        f"<th>{h}</th>"
        for h in ("#", "field", "text", "offsets", "value", "section", "rule", "assertion")
    )
    rows = []
    for i, m in enumerate(record.mentions):
        flags = [n for n in ASSERTION_STYLES if getattr(m.assertion, n)]
        cue = m.assertion.cue
        assertion = ", ".join(flags) + (f' (cue "{cue.text}")' if cue else "")
        cells = (
            str(i),
            str(m.field),
            m.text,
            f"{m.start}-{m.end}",
            json.dumps(m.value, ensure_ascii=False, sort_keys=True),
            m.section,
            m.rule,
            assertion,
        )
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    return (
        f"<details><summary>All {len(record.mentions)} mentions</summary>"
        f"<table><tr>{head}</tr>{''.join(rows)}</table></details>"
    )


# ---------------------------------------------------------------- page


def page_marks(text: str, record: Record) -> tuple[list[Mark], int, int]:
    """Marks of the shown mentions and flag spans; counts of hidden and mismatched mentions."""
    shown = shown_mentions(text, record.mentions)
    reasons = mention_reasons(record)
    marks = [mention_mark(i, m, reasons.get(i, [])) for i, m in shown]
    spans = flag_spans(record)
    marks += [span_mark(a, b, k) for (a, b), k in spans.items() if 0 <= a < b <= len(text)]
    mismatched = sum(text[m.start : m.end] != m.text for _, m in shown)
    return marks, len(record.mentions) - len(shown), mismatched


def render_review(text: str, record: Record, index_href: str | None = None) -> str:
    """The review page for ``record`` extracted from ``text`` (the ORIGINAL report text);
    ``index_href``: link back to a batch index page."""
    marks, hidden, mismatched = page_marks(text, record)
    bands = "".join(
        _section_band(text, a, b, sec, marks) for a, b, sec in blocks(len(text), record.sections)
    )
    title = escape(f"Review: {record.report_id}")
    back = f'<a href="{escape(index_href)}">&larr; all reports</a> ' if index_href else ""
    needs = (
        '<span class="warn">needs review</span>'
        if record.summary.needs_review
        else '<span class="ok">no review flag</span>'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<style>{page_css()}</style></head><body><div class="xr"><h1>{back}{title} ({needs})</h1>'
        f'<div class="sticky"><div id="xr-status" class="status" role="status" aria-live="polite">'
        "Click a value (or Tab to it and press Enter) to highlight its supporting mentions; "
        "Esc clears.</div></div>"
        f'<div class="panel"><div><h2>Summary</h2>{summary_panel(record, flag_spans(record))}'
        f"</div><div><h2>Source</h2>{_table(_source_rows(record, hidden, mismatched))}"
        f"<h2>Correct and download as gold</h2>{gold_form(record)}</div></div>"
        f"<h2>Legend</h2>{_legend()}"
        f"{_mention_table(record)}<h2>Report text</h2>{bands}</div>"
        f"<script>{PAGE_JS}</script></body></html>\n"
    )


def review_html(path: str | Path) -> str:
    """Extract the report at ``path`` and return its review page."""
    from extractor.api import extract_file
    from extractor.reader import read_file

    text, _source, _warnings = read_file(path)
    return render_review(text, extract_file(path))


def review_command(file: Path, html: Path) -> int:
    """CLI: a records JSONL -> a folder of pages (``html`` is the folder); a report file ->
    its page at ``html``. 0 ok, 1 unreadable, 2 missing."""
    from extractor.reader import InputError

    if not file.is_file():
        print(f"no such file: {file}", file=sys.stderr)
        return 2
    if file.suffix == ".jsonl":
        from extractor.export.review_batch import batch_command

        return batch_command(file, html)
    try:
        page = review_html(file)
    except InputError as exc:
        print(f"cannot review {file}: {exc.message}", file=sys.stderr)
        return 1
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(page, encoding="utf-8")
    print(f"{file} -> {html}", file=sys.stderr)
    return 0
