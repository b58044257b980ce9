"""Batch review pages: the index, one page per report, values that highlight their
evidence (checked in headless Chromium), and corrections downloaded as gold."""

from __future__ import annotations

import json
import os
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from extractor import extract, extract_file
from extractor.cli import main
from extractor.evaluation.records_gold import load_records_gold, score_fields
from extractor.export.review import render_review
from extractor.export.review_batch import Page, page_name, render_index
from extractor.export.review_gold import form_values, gold_from_record, script_json
from extractor.flags import evidence

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = '<script>alert(1)</script> "quoted" </td></tr>&amp;'
REPORTS = {
    "plain": "Case presentation\nA 45-year-old man had a 3 cm schwannoma at L2, which was "
    "resected. Immunohistochemistry showed S-100 positivity.",
    "flagged": "Case presentation\nA 60-year-old woman had a 4 cm mass in the left kidney and a "
    "2 cm mass at L3 with possible extension to L4.",
    "hostile": f"Case presentation\nA 50-year-old man {HOSTILE} had a mass at T4.",
}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in {"meta", "br", "input"}:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


def tags_of(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    assert parser.stack == []
    return parser


@pytest.fixture(scope="module")
def records():
    return {name: extract(text, report_id=name) for name, text in REPORTS.items()}


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["a"], ["a.html"]),
        (["a", "A"], ["a.html", "A-2.html"]),
        (["../x y", "<b>"], ["x_y.html", "b.html"]),
        (["", "..."], ["report.html", "report-2.html"]),
    ],
)
def test_page_names_are_safe_and_unique(ids: list[str], expected: list[str]) -> None:
    taken: set[str] = set()
    assert [page_name(i, taken) for i in ids] == expected


def test_index_lists_flagged_reports_first_and_escapes(records) -> None:
    hostile = records["hostile"].model_copy(update={"report_id": HOSTILE})
    pages = [Page(records["plain"], "reports/plain.html"), Page(hostile, "reports/h.html"),
             Page(records["flagged"], "reports/flagged.html")]  # fmt: skip
    page = render_index(pages)
    parsed = tags_of(page)
    links = [a["href"] for tag, a in parsed.tags if tag == "a"]
    assert links[0] == "reports/flagged.html"  # the only flagged report comes first
    assert records["flagged"].summary.needs_review and not records["plain"].summary.needs_review
    assert [t for t, _ in parsed.tags].count("script") == 1
    assert "<script>alert" not in page


@pytest.mark.parametrize("name", list(REPORTS))
def test_report_page_buttons_name_the_evidence(records, name: str) -> None:
    record = records[name]
    page = render_review(REPORTS[name], record)
    buttons = {
        a["data-label"]: a["data-ev"].split()
        for tag, a in tags_of(page).tags
        if tag == "button" and "val" in a.get("class", "")
    }
    support = evidence(record)
    assert buttons["Age (years)"] == [str(i) for i in support["age_years"]]
    assert buttons["Levels"] == [str(i) for i in support["levels"]]
    assert "<script>alert" not in page


@pytest.mark.parametrize("name", list(REPORTS))
def test_gold_from_record_is_pages_dev_gold(tmp_path: Path, records, name: str) -> None:
    record = records[name]
    (tmp_path / f"{name}.json").write_text(json.dumps(gold_from_record(record)), "utf-8")
    gold = load_records_gold(tmp_path)[name]
    results = score_fields(gold, record.summary.model_dump(mode="json"))
    assert all(r.counts.fp == r.counts.fn == 0 for r in results.values())


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"a": "</script><b>"}, '{"a": "\\u003c/script\\u003e\\u003cb\\u003e"}'),
        ({"a": "&"}, '{"a": "\\u0026"}'),
    ],
)
def test_script_json_cannot_close_the_script(data: dict, text: str) -> None:
    assert script_json(data) == text
    assert json.loads(script_json(data)) == data


def test_form_values_show_the_summary(records) -> None:
    values = form_values(gold_from_record(records["plain"]))
    assert values["age_years"] == "45" and values["sex"] == "male"
    assert values["levels"] == "L2" and values["stains"] == "S-100+"


def test_review_command_writes_index_and_pages(tmp_path: Path) -> None:
    jsonl = _records_file(tmp_path)
    out = tmp_path / "html"
    assert main(["review", str(jsonl), "--html", str(out)]) == 0
    pages = sorted(p.name for p in (out / "reports").iterdir())
    assert pages == ["flagged.html", "hostile.html", "plain.html"]
    for page in [out / "index.html", *(out / "reports").iterdir()]:
        tags_of(page.read_text("utf-8"))
    assert main(["review", str(tmp_path / "none.jsonl"), "--html", str(out)]) == 2


def _records_file(tmp_path: Path) -> Path:
    lines = []
    for name, text in REPORTS.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        lines.append(extract_file(path).model_dump_json())
    jsonl = tmp_path / "records.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return jsonl


def _cdp():
    """tests/cdp.py (the importlib import mode puts no test folder on sys.path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("review_cdp", Path(__file__).with_name("cdp.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _highlighted(browser) -> list[str]:
    return browser.eval(
        "Array.from(new Set(Array.from(document.querySelectorAll('.hl'))"
        ".map(function (e) { return e.dataset.i || 'f' + e.dataset.f; })))"
    )


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_chromium_clicks_highlight_evidence_and_download_gold(tmp_path: Path) -> None:
    Browser = _cdp().Browser
    jsonl = _records_file(tmp_path)
    out, downloads = tmp_path / "html", tmp_path / "gold"
    assert main(["review", str(jsonl), "--html", str(out)]) == 0
    record = extract_file(tmp_path / "flagged.txt")
    support = evidence(record)
    browser = Browser(CHROMIUM, Path(tempfile.mkdtemp(dir=tmp_path)))
    try:
        browser.open((out / "index.html").as_uri())
        rows = browser.eval("Array.from(document.querySelectorAll('#xr-index tbody tr a'))"
                            ".map(function (a) { return a.textContent; })")  # fmt: skip
        assert rows == ["flagged", "hostile", "plain"]  # flagged first, then by id
        browser.click("#xr-index th:nth-child(2) button")  # sort by age
        ages = browser.eval("Array.from(document.querySelectorAll('#xr-index tbody tr'))"
                            ".map(function (r) { return r.cells[1].textContent; })")  # fmt: skip
        assert ages == ["45", "50", "60"]
        browser.click("#xr-index a[href='reports/flagged.html']")
        browser.wait_for("location.href.indexOf('flagged.html') > 0 && "
                         "document.readyState === 'complete'")  # fmt: skip
        browser.click("tr[data-key=levels] button.val")
        assert _highlighted(browser) == [str(i) for i in support["levels"]]
        assert "m" in browser.eval("document.activeElement.className").split()
        browser.eval("document.querySelector('tr[data-key=age_years] button.val').focus()")
        browser.press("Enter", 13)
        assert _highlighted(browser) == [str(i) for i in support["age_years"]]
        flag = record.summary.review["levels"][0]
        browser.click("tr[data-key=levels] .flags button.val")
        assert _highlighted(browser) == [str(i) for i in flag.mentions]
        reasons = browser.eval(f"document.querySelector('[data-i=\"{flag.mentions[0]}\"]')"
                               ".getAttribute('data-reasons')")  # fmt: skip
        assert str(flag.reason) in reasons
        if os.environ.get("REVIEW_SCREENSHOT"):
            browser.click("tr[data-key=levels] button.val")
            shot = browser.send("Page.captureScreenshot", {"format": "png"})
            import base64

            Path(os.environ["REVIEW_SCREENSHOT"]).write_bytes(base64.b64decode(shot["data"]))
        allow = {"behavior": "allow", "downloadPath": str(downloads)}
        browser.send("Browser.setDownloadBehavior", allow, session=False)
        browser.eval("document.querySelector('#xr-gold input[name=age_years]').value = '61'")
        browser.click("#xr-gold button[type=submit]")
        deadline = time.monotonic() + 20
        while not (downloads / "flagged.json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        browser.close()
    gold = load_records_gold(downloads)["flagged"]
    assert gold["age_years"] == 61 and gold["levels"] == record.summary.levels
    results = score_fields(gold, record.summary.model_dump(mode="json"))
    assert (results["age_years"].counts.fp, results["levels"].counts.fp) == (1, 0)
