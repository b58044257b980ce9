"""The HTML review page: original text preserved, mentions highlighted, markup sound."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.export.review import FIELD_COLOURS, blocks, render_review
from extractor.schema import FieldName, Record

VOID = {"meta", "br", "img", "hr", "input", "link"}
CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
REAL_REPORTS = sorted((ROOT / "corpus").glob("*.txt"))


class PageParser(HTMLParser):
    """Checks tag balance; collects report text, mention spans and every tag name."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.text_parts: list[str] = []
        self.mentions: list[dict[str, str]] = []
        self.mention_text: dict[str, list[str]] = {}
        self.tags: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        self.urls += [v for k, v in attr.items() if k in ("src", "href")]
        if tag in VOID:
            return
        self.stack.append((tag, attr))
        if "m" in attr.get("class", "").split() and "data-rule" in attr:
            self.mentions.append(attr)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1][0] == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def _inside(self, cls: str) -> bool:
        return any(cls in a.get("class", "").split() for _, a in self.stack)

    def handle_data(self, data: str) -> None:
        if self._inside("sec-text"):
            self.text_parts.append(data)
            for _, a in self.stack:
                if "data-rule" in a:
                    self.mention_text.setdefault(a["data-rule"], []).append(data)


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], "unclosed tags"
    return parser


def record_for(
    text: str,
    spans: list[tuple[str, str, int, int, dict]],
    sections: list[tuple[str, str, int, int]] | None = None,
) -> Record:
    """spans: (field, rule, start, end, assertion); sections: (label, kind, start, end)."""
    secs = [("case_presentation", "patient", 0, len(text))] if sections is None else sections
    return Record.model_validate(
        {
            "report_id": "t",
            "source": {
                "path": "t.txt",
                "sha256": "0" * 64,
                "n_chars": len(text),
                "encoding": "utf-8",
            },
            "sections": [
                {"label": lab, "kind": k, "heading": "", "start": s, "end": e}
                for lab, k, s, e in secs
            ],
            "mentions": [
                {
                    "field": f,
                    "rule": r,
                    "start": s,
                    "end": e,
                    "text": text[s:e],
                    "section": "case_presentation",
                    "value": {"v": r},
                    "assertion": a,
                }
                for f, r, s, e, a in spans
            ],
        }
    )


TEXT = "A 45-year-old woman had <b>no</b> S-100 & SOX10 staining;\nmass at C6-T2 level."
CASES = [
    pytest.param([], id="no mentions"),
    pytest.param([("age", "r1", 2, 13, {})], id="one"),
    pytest.param([("age", "r1", 2, 13, {}), ("sex", "r2", 14, 19, {})], id="adjacent"),
    pytest.param(
        [("stain", "r1", 34, 39, {"negated": True}), ("stain", "r2", 34, 47, {"uncertain": True})],
        id="same start",
    ),
    pytest.param(
        [("site", "r1", 10, 30, {}), ("diagnosis", "r2", 20, 45, {}), ("level", "r3", 25, 70, {})],
        id="crossing chain",
    ),
    pytest.param([("level", "r1", 66, 71, {}), ("level", "r2", 66, 71, {})], id="identical"),
    pytest.param([("size", "r1", 0, len(TEXT), {}), ("age", "r2", 2, 13, {})], id="nested"),
]


@pytest.mark.parametrize("spans", CASES)
@pytest.mark.parametrize(
    "sections",
    [
        None,
        [
            ("front_matter", "non-content", 0, 24),
            ("pathology", "patient", 24, 60),
            ("references", "other-articles", 60, len(TEXT)),
        ],
    ],
)
def test_markup_is_balanced_and_text_is_preserved(spans: list, sections: list | None) -> None:
    parsed = parse(render_review(TEXT, record_for(TEXT, spans, sections)))
    assert "".join(parsed.text_parts) == TEXT
    for _field, rule, start, end, _a in spans:
        assert "".join(parsed.mention_text[rule]) == TEXT[start:end]


@pytest.mark.parametrize(
    ("assertion", "css"),
    [
        ({"negated": True}, "neg"),
        ({"uncertain": True}, "unc"),
        ({"hypothetical": True}, "hyp"),
        ({"historical": True}, "hist"),
        ({"family": True}, "fam"),
        ({}, None),
    ],
)
def test_assertions_get_their_class(assertion: dict, css: str | None) -> None:
    parsed = parse(render_review(TEXT, record_for(TEXT, [("stain", "r1", 34, 39, assertion)])))
    classes = parsed.mentions[0]["class"].split()
    assert "f-stain" in classes
    flags = {"neg", "unc", "hyp", "hist", "fam"} & set(classes)
    assert flags == ({css} if css else set())


@pytest.mark.parametrize(
    "needle",
    [
        "value: {&quot;v&quot;: &quot;r1&quot;}",
        "rule: r1",
        "section: case_presentation (patient)",
        "cue: &quot;no&quot; (NEGATED_EXISTENCE",
    ],
)
def test_hover_text_explains_the_value(needle: str) -> None:
    rec = record_for(
        TEXT,
        [
            (
                "stain",
                "r1",
                34,
                39,
                {
                    "negated": True,
                    "cue": {"text": "no", "start": 27, "end": 29, "category": "NEGATED_EXISTENCE"},
                },
            )
        ],
    )
    assert needle in render_review(TEXT, rec)


@pytest.mark.parametrize(
    "hostile", ["<script>alert(1)</script>", '"><img src=x onerror=1>', "</div></span>&amp;"]
)
def test_report_text_is_escaped(hostile: str) -> None:
    text = f"Case {hostile} 45 yo"
    start = text.index("45")
    rec = record_for(text, [("age", hostile, start, start + 5, {})])
    parsed = parse(render_review(text, rec))
    plain = parse(render_review("Case 45 yo", record_for("Case 45 yo", [("age", "r", 5, 10, {})])))
    assert parsed.tags == plain.tags  # the report text added no element
    assert "".join(parsed.text_parts) == text


@pytest.mark.parametrize("spans", [[("age", "r1", 5, 5, {})], [("age", "r1", 70, 999, {})]])
def test_unshowable_mentions_are_reported_not_rendered(spans: list) -> None:
    page = render_review(TEXT, record_for(TEXT, spans))
    assert parse(page).mentions == []
    assert "not shown" in page


@pytest.mark.parametrize(
    ("n", "sections", "expected"),
    [
        (10, [], [(0, 10, None)]),
        (10, [(2, 5)], [(0, 2, None), (2, 5, 0), (5, 10, None)]),
        (10, [(0, 6), (4, 10)], [(0, 6, 0), (6, 10, 1)]),
        (0, [], [(0, 0, None)]),
    ],
)
def test_blocks_tile_the_text(n: int, sections: list, expected: list) -> None:
    rec = record_for("x" * n, [], [("case_presentation", "patient", s, e) for s, e in sections])
    got = [
        (a, b, None if sec is None else rec.sections.index(sec))
        for a, b, sec in blocks(n, rec.sections)
    ]
    assert got == expected


@pytest.mark.parametrize("field", list(FieldName))
def test_every_field_has_a_colour(field: FieldName) -> None:
    page = render_review(TEXT, record_for(TEXT, []))
    assert f".xr .m.f-{field} {{ background: {FIELD_COLOURS[field]}; }}" in page


def test_page_is_self_contained() -> None:
    page = render_review(TEXT, record_for(TEXT, [("age", "r1", 2, 13, {})]))
    parsed = parse(page)
    assert parsed.urls == []
    assert not parsed.tags & {"link", "img", "iframe"}
    assert "<script src" not in page and "http" not in page.replace("http-equiv", "")


@pytest.mark.slow
@pytest.mark.parametrize("report", REAL_REPORTS[:1], ids=lambda p: p.stem)
def test_review_command_renders_a_corpus_report(tmp_path: Path, report: Path) -> None:
    out = tmp_path / "review.html"
    assert main(["review", str(report), "--html", str(out)]) == 0
    text = report.read_text(encoding="utf-8-sig")
    assert "".join(parse(out.read_text(encoding="utf-8")).text_parts) == text
    assert main(["review", str(tmp_path / "missing.txt"), "--html", str(out)]) == 2


def _png_colours(png: Path) -> set[str]:
    from PIL import Image

    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24) or []
    return {f"#{r:02x}{g:02x}{b:02x}" for _count, (r, g, b) in colours}


@pytest.mark.slow
@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"needs headless Chromium at {CHROMIUM} (Debian: apt-get install chromium; "
    ".ci/run installs it)",
)
@pytest.mark.parametrize("report", REAL_REPORTS[:1], ids=lambda p: p.stem)
def test_chromium_renders_the_page(tmp_path: Path, report: Path) -> None:
    png = tmp_path / "shot.png"
    script = ROOT / "scripts" / "screenshot_review.sh"
    env = {**os.environ, "PYTHON": sys.executable, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        ["bash", str(script), str(report), str(png)],
        check=True,
        timeout=180,
        capture_output=True,
        env=env,
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the legend and the highlighted mentions: every field's colour is on the screen
    assert set(FIELD_COLOURS.values()) <= _png_colours(png)
