"""Records JSONL -> a folder of review pages: ``index.html`` (one row per report,
flagged reports first, sortable by any column) and ``reports/ID.html`` per report.

Each report page is :func:`extractor.export.review.render_review` over the report's
original text, read from ``source.path``; when that file is missing or its sha256
differs from the record's, the page says so (offsets may not match the text shown).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html import escape
from pathlib import Path

from extractor.export.review_assets import INDEX_JS
from extractor.export.review_summary import all_flags
from extractor.schema import Record

COLUMNS = ("report", "age", "sex", "site", "levels", "size (mm)", "final diagnosis", "stains",
           "flags")  # fmt: skip


@dataclass
class Page:
    record: Record
    href: str
    problem: str = ""


def page_name(report_id: str, taken: set[str]) -> str:
    """A file name for the report's page: safe characters only, unique in the folder."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", report_id).strip("._") or "report"
    name, n = f"{base}.html", 1
    while name.lower() in taken:
        n += 1
        name = f"{base}-{n}.html"
    taken.add(name.lower())
    return name


def report_text(record: Record) -> tuple[str, str]:
    """(original text, problem) from ``source.path``; empty text and a problem if unreadable."""
    from extractor.reader import InputError, read_file

    try:
        text, source, _ = read_file(record.source.path, max(record.source.n_chars, 1) * 4)
    except InputError as exc:
        return "", f"report text not available: {exc.message}"
    if source.sha256 != record.source.sha256:
        return text, "report text changed since extraction (sha256 differs): offsets may be off"
    return text, ""


def index_row(page: Page) -> str:
    s = page.record.summary
    reasons = sorted({str(f.reason) for f in all_flags(page.record)})
    final = s.final_diagnosis
    cells = [
        (f'<a href="{escape(page.href)}">{escape(page.record.report_id)}</a>', None),
        (escape(f"{s.age_years:g}") if s.age_years is not None else "", s.age_years),
        (escape(s.sex or ""), None),
        (escape("; ".join(x.name for x in s.sites)), None),
        (escape(" ".join(s.levels)), None),
        (escape(f"{s.size_max_mm:g}") if s.size_max_mm is not None else "", s.size_max_mm),
        (escape(f"{final.name} [{final.icdo3 or '-'}]") if final else "", None),
        (
            escape(
                " ".join(f"{x.marker}{'+' if x.result == 'positive' else '-'}" for x in s.stains)
            ),
            None,
        ),
        (
            (f"<b>{len(reasons)}</b> " + escape(", ".join(reasons)) if reasons else "")
            + (f' <span class="warn">{escape(page.problem)}</span>' if page.problem else ""),
            -len(reasons) if s.needs_review else 0,
        ),
    ]
    tds = "".join(f"<td{_sort_attr(key)}>{html}</td>" for html, key in cells)
    flagged = ' class="flagged"' if s.needs_review else ""
    return f"<tr{flagged}>{tds}</tr>"


def _sort_attr(key: object) -> str:
    return "" if key is None else f' data-sort="{escape(str(key))}"'


def render_index(pages: list[Page], title: str = "Review: all reports") -> str:
    """The index page: flagged reports first, then by report id."""
    from extractor.export.review import page_css

    ordered = sorted(pages, key=lambda p: (not p.record.summary.needs_review, p.record.report_id))
    flagged = sum(p.record.summary.needs_review for p in pages)
    head = "".join(
        f'<th aria-sort="none"><button type="button">{escape(c)}</button></th>' for c in COLUMNS
    )
    rows = "".join(index_row(p) for p in ordered)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f'</title><style>{page_css()}</style></head><body><div class="xr"><h1>{escape(title)}</h1>'
        f"<p>{len(pages)} reports, {flagged} with review flags (listed first). Click a column "
        "heading (or Tab to it and press Enter) to sort; click a report to review it.</p>"
        f'<table class="index" id="xr-index"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div><script>{INDEX_JS}</script></body></html>\n"
    )


def write_batch(records: list[Record], out: Path) -> list[Page]:
    """Write ``out/index.html`` and ``out/reports/*.html``; return the pages written."""
    from extractor.export.review import render_review

    (out / "reports").mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    pages: list[Page] = []
    for record in records:
        name = page_name(record.report_id, taken)
        text, problem = report_text(record)
        html = render_review(text, record, index_href="../index.html")
        if problem:
            html = html.replace('<div class="panel">', f'<p class="warn">{escape(problem)}</p>'
                                '<div class="panel">', 1)  # fmt: skip
        (out / "reports" / name).write_text(html, encoding="utf-8")
        pages.append(Page(record, f"reports/{name}", problem))
    (out / "index.html").write_text(render_index(pages), encoding="utf-8")
    return pages


def batch_command(records_path: Path, out: Path) -> int:
    """CLI: review pages of every record of ``records_path`` in folder ``out``."""
    from extractor.evaluation.report import RecordsError, load_records

    try:
        records = list(load_records(records_path).values())
    except (OSError, RecordsError) as exc:
        print(f"review: {exc}", file=sys.stderr)
        return 1
    pages = write_batch(records, out)
    flagged = sum(p.record.summary.needs_review for p in pages)
    print(f"{len(pages)} reports ({flagged} flagged) -> {out}/index.html", file=sys.stderr)
    return 0
