"""The summary panel of a review page: each value a button that highlights the
mentions supporting it, and each review flag with its reason, note and evidence."""

from __future__ import annotations

from collections import Counter
from html import escape

from extractor.flags import evidence
from extractor.schema import Lesion, Record, ReviewFlag

# ---------------------------------------------------------------- summary panel


def _fmt(value: object) -> str:
    return "&mdash;" if value in (None, [], "") else escape(str(value))


def lesion_text(lesion: Lesion) -> str:
    """One lesion as plain text: role, location, levels, size, diagnosis, rule."""
    parts = [f"{lesion.role} ({lesion.location})"]
    if lesion.levels:
        parts.append(" ".join(lesion.levels))
    if lesion.size:
        parts.append(f"{lesion.size.max_mm:g} mm")
    if lesion.diagnosis:
        parts.append(lesion.diagnosis.name)
    return ", ".join(parts) + f" [{lesion.why}]"


def summary_rows(record: Record) -> list[tuple[str, str]]:
    """(label, escaped HTML value) rows of the summary table."""
    s = record.summary
    sites = "; ".join(
        f"{x.name}{f' ({x.laterality})' if x.laterality else ''}"
        f"{f' [{x.icdo3_topography}]' if x.icdo3_topography else ''}"
        for x in s.sites
    )
    stains = "; ".join(
        f"{x.marker}{'+' if x.result == 'positive' else '−'}"
        f"{f' {x.extent}' if x.extent else ''}{f' {x.percent:g}%' if x.percent is not None else ''}"
        for x in s.stains
    )
    final = s.final_diagnosis
    final_text = (
        (
            f"{final.name}{f' [{final.icdo3}]' if final.icdo3 else ''}"
            f"{f' ({final.basis})' if final.basis else ''}"
        )
        if final
        else None
    )
    dims = " × ".join(f"{d:g}" for d in s.size_dims_mm)
    size = None
    if s.size_max_mm is not None:
        size = f"{s.size_max_mm:g} mm" + (f" ({dims} mm)" if dims else "")
    counts = Counter(str(m.field) for m in record.mentions)
    lesions = "; ".join(lesion_text(x) for x in s.lesions)
    return [
        ("Age (years)", _fmt(s.age_years)),
        ("Sex", _fmt(s.sex)),
        ("Sites", _fmt(sites)),
        ("Levels", _fmt(" ".join(s.levels))),
        ("Size (max)", _fmt(size)),
        ("Stains", _fmt(stains)),
        ("Final diagnosis", _fmt(final_text)),
        ("Differential diagnoses", _fmt("; ".join(d.name for d in s.differential_diagnoses))),
        ("Negated findings", _fmt("; ".join(s.negated_findings))),
        ("Lesions", _fmt(lesions)),
        (
            "Mentions",
            _fmt(
                ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
                + f" (total {len(record.mentions)})"
            ),
        ),
    ]


#: summary table rows: (label, summary key whose evidence and flags the row shows)
ROW_KEYS: dict[str, str | None] = {
    "Age (years)": "age_years",
    "Sex": "sex",
    "Sites": "sites",
    "Levels": "levels",
    "Size (max)": "size_max_mm",
    "Stains": "stains",
    "Final diagnosis": "final_diagnosis",
    "Differential diagnoses": "differential_diagnoses",
    "Negated findings": "negated_findings",
    "Lesions": None,
    "Mentions": None,
}


def all_flags(record: Record) -> list[ReviewFlag]:
    s = record.summary
    return [f for flags in s.review.values() for f in flags] + [
        f for lesion in s.lesions for f in lesion.review
    ]


def flag_spans(record: Record) -> dict[tuple[int, int], int]:
    """Text spans of flags that no mention covers, numbered in order of position."""
    spans = sorted({(x.start, x.end) for f in all_flags(record) for x in f.spans})
    return {span: k for k, span in enumerate(spans)}


def mention_reasons(record: Record) -> dict[int, list[str]]:
    """Mention index -> the reasons of the flags about it (shown beside it in the text)."""
    out: dict[int, list[str]] = {}
    for f in all_flags(record):
        for i in f.mentions:
            if str(f.reason) not in out.setdefault(i, []):
                out[i].append(str(f.reason))
    return out


def value_button(label: str, html_value: str, ids: list[int], spans: list[int] = ()) -> str:  # type: ignore[assignment]
    """A value (already escaped HTML) that highlights mentions ``ids`` and spans ``spans``."""
    if html_value == "&mdash;":
        return html_value
    ev = " ".join(str(i) for i in ids)
    sp = " ".join(str(k) for k in spans)
    return (
        f'<button type="button" class="val" aria-pressed="false" data-label="{escape(label)}" '
        f'data-ev="{ev}" data-spans="{sp}">{html_value}</button>'
    )


def flag_list(flags: list[ReviewFlag], spans: dict[tuple[int, int], int]) -> str:
    if not flags:
        return '<span class="ok">&mdash;</span>'
    items = []
    for f in flags:
        ids = [spans[(x.start, x.end)] for x in f.spans if (x.start, x.end) in spans]
        show = (
            value_button(f"flag {f.reason}", "evidence", f.mentions, ids)
            if (f.mentions or ids)
            else ""
        )
        items.append(
            f'<li><span class="reason">{escape(str(f.reason))}</span> {escape(f.note)} {show}</li>'
        )
    return f'<ul class="flags">{"".join(items)}</ul>'


def summary_panel(record: Record, spans: dict[tuple[int, int], int]) -> str:
    """The summary table: label, value button, review flags."""
    support = evidence(record)
    values = dict(summary_rows(record))
    rows = []
    for label, key in ROW_KEYS.items():
        if key is None and label == "Lesions":
            cells = [
                _lesion_cell(record, n, x, spans) for n, x in enumerate(record.summary.lesions)
            ]
            value = "<br>".join(c[0] for c in cells) or "&mdash;"
            flags = "".join(c[1] for c in cells) or flag_list([], spans)
        elif key is None:
            value, flags = values[label], ""
        else:
            value = value_button(label, values[label], support.get(key, []))
            own = record.summary.review.get(key, [])
            if key == "size_max_mm":
                own = own + [
                    f for f in record.summary.review.get("size_dims_mm", []) if f not in own
                ]
            flags = flag_list(own, spans)
        rows.append(
            f'<tr data-key="{escape(key or "")}"><th>{escape(label)}</th><td>{value}</td>'
            f"<td>{flags}</td></tr>"
        )
    head = "<tr><th>field</th><th>value (click: supporting mentions)</th><th>review</th></tr>"
    return f'<table class="summary">{head}{"".join(rows)}</table>'


def _lesion_cell(
    record: Record, n: int, lesion: Lesion, spans: dict[tuple[int, int], int]
) -> tuple[str, str]:
    button = value_button(f"lesion {n + 1}", escape(lesion_text(lesion)), lesion.mentions)
    flags = flag_list(lesion.review, spans) if lesion.review else ""
    return button, (f"<div>lesion {n + 1}: {flags}</div>" if flags else "")
