"""Screenshot one report page of a batch review after clicking one of its values.

    python scripts/screenshot_review_batch.py RECORDS.jsonl REPORT_ID KEY OUT.png

Writes the batch pages to a temporary folder (``python -m extractor review``), opens
``reports/REPORT_ID.html`` in headless Chromium (``/usr/bin/chromium``, or $CHROMIUM)
through the DevTools pipe client of ``tests/cdp.py``, clicks the value of summary key
KEY and saves a PNG of the window.
"""

from __future__ import annotations

import base64
import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(records: str, report_id: str, key: str, out: str) -> None:
    spec = importlib.util.spec_from_file_location("cdp", ROOT / "tests" / "cdp.py")
    cdp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cdp)
    with tempfile.TemporaryDirectory() as work:
        html = Path(work) / "html"
        subprocess.run(
            [sys.executable, "-m", "extractor", "review", records, "--html", str(html)], check=True
        )
        browser = cdp.Browser(Path(os.environ.get("CHROMIUM", "/usr/bin/chromium")), Path(work))
        try:
            browser.open((html / "reports" / f"{report_id}.html").as_uri())
            browser.click(f"tr[data-key={key}] button.val")
            shot = browser.send("Page.captureScreenshot", {"format": "png"})
        finally:
            browser.close()
    Path(out).write_bytes(base64.b64decode(shot["data"]))
    print(f"{report_id} ({key}) -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:5])
