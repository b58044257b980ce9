"""How the records of pages-dev hold up under the noise of scraped PDFs and web pages.

Each transformation is a pure, deterministic ``(text, seed) -> text`` function modelling
one kind of noise seen in case reports taken from PDFs and web pages:

* ``hard_wrap``: paragraphs re-wrapped at 60-90 characters (PDF line ends in sentences);
* ``hyphenate``: some long words broken across a line end ("tu-\\nmour");
* ``citations``: "[12]", "[3, 4]", "(12)", superscripts ("tumours.12", "reported3,4"),
  "[PubMed] [Google Scholar]" link text after sentences and clauses;
* ``no_headings``: section heading lines and run-in headings removed, the paragraphs
  around them joined;
* ``boilerplate``: cookie banner and navigation before the text; references, "Similar
  articles" and "Cited by" naming other tumours, ages and levels after it;
* ``unicode``: no-break and thin spaces before units, en/em dashes, ligatures, curly
  quotes, "x" <-> "×";
* ``page_furniture``: running headers and footers (page numbers, journal, DOI,
  "Downloaded from ...") inserted at line breaks or between words;
* ``combined``: all of them, in the order a scraper would produce them (there the
  hyphens fall only where the re-wrapped lines end).

Each text gets its own seed (``--seed`` and the report id), so a run is reproducible.

The benchmark runs the public API (``extractor.extract``) on every pages-dev text, clean
and under each noise, scores the summaries exactly as ``python -m extractor evaluate
--records-gold`` does (``extractor.evaluation.records_gold``), prints one row per noise
(micro F1, reports entirely right, F1 per field) and lists the fields that are wrong
under a noise but right on the clean text.

    PYTHONPATH=. .venv/bin/python benchmarks/noise_robustness.py [--pages DIR]
        [--only NAME] [--seed N] [--errors FILE.tsv] [--dump DIR]

``--dump DIR`` writes the noisy texts for reading (outside the repository: they are
derived from the development texts).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAGES_CANDIDATES = (ROOT.parent / "shared" / "pages-dev", Path("/work/shared/pages-dev"))

Transform = Callable[[str, int], str]

# ---------------------------------------------------------------- hard_wrap

#: a word of letters only (never a number, a marker like CD34 or half of "T2-weighted")
_LONG_WORD = re.compile(r"(?<![\w-])[A-Za-z]{6,}(?![\w-])")
_VOWELS = frozenset("aeiouy")
_DIGRAPHS = frozenset({"ch", "ck", "gh", "ph", "sh", "th"})


def hard_wrap(text: str, seed: int = 0, hyphen_share: float = 0.0) -> str:
    """Every line re-wrapped at one width (60-90 characters) chosen for the text: the
    space before the first word that overflows becomes the line break. With
    ``hyphen_share``, that share of the overflowing words of 6+ letters are hyphenated
    instead, their first syllables staying on the line ("... benign tu-\\nmors")."""
    rng = random.Random(seed)
    width = rng.randint(60, 90)
    return "\n".join(_wrap_line(line, width, rng, hyphen_share) for line in text.split("\n"))


def _wrap_line(line: str, width: int, rng: random.Random, hyphen_share: float) -> str:
    pieces = _greedy(line, width)
    for i in range(1, len(pieces)):
        word, space, rest = pieces[i].partition(" ")
        if _LONG_WORD.fullmatch(word) and rng.random() < hyphen_share:
            at = rng.choice(_cuts(word))
            pieces[i - 1] += f" {word[:at]}-"
            pieces[i] = word[at:] + space + rest
    return "\n".join(pieces)


def _greedy(line: str, width: int) -> list[str]:
    """``line`` cut at spaces into pieces of at most ``width`` characters (a longer
    word stays whole)."""
    pieces, start, last_space = [], 0, -1
    for i, char in enumerate([*line, " "]):  # the sentinel space closes the last word
        if char != " ":
            continue
        if i - start > width and last_space > start:
            pieces.append(line[start:last_space])
            start = last_space + 1
        last_space = i
    return [*pieces, line[start:]]


# ---------------------------------------------------------------- hyphenate

#: a line shorter than this (a heading, a title) never reaches a line end
_MIN_LINE = 60


def hyphenate(text: str, seed: int = 0, share: float = 0.15) -> str:
    """About ``share`` of the words of 6+ letters of the lines longer than 60 characters
    broken as "tu-\\nmour" (a syllable-like cut: between two consonants, or after a
    vowel before a consonant)."""
    rng = random.Random(seed)

    def broken(match: re.Match[str]) -> str:
        word = match.group()
        if rng.random() >= share:
            return word
        at = rng.choice(_cuts(word))
        return f"{word[:at]}-\n{word[at:]}"

    lines = text.split("\n")
    return "\n".join(_LONG_WORD.sub(broken, ln) if len(ln) > _MIN_LINE else ln for ln in lines)


def _cuts(word: str) -> list[int]:
    """Where ``word`` may be hyphenated: 2+ letters on each side, never inside "ch",
    "ph", "th" ..."""
    low = word.lower()
    vowel = [c in _VOWELS for c in low]
    cuts = [
        i
        for i in range(2, len(word) - 2)
        if low[i - 1 : i + 1] not in _DIGRAPHS
        and (
            (vowel[i - 1] and not vowel[i] and vowel[i + 1])  # tu|mour
            or (not vowel[i - 1] and not vowel[i] and vowel[i - 2])  # schwan|noma
        )
    ]
    return cuts or [len(word) // 2]


# ---------------------------------------------------------------- citations

#: a period or comma after a word of 3+ lower-case letters, then a space or a line end
#: (never after a number, a unit such as "cm" or an abbreviation such as "al.")
_CITABLE = re.compile(r"(?<=[a-z]{3})([.,])(?=[ \n])")


def citations(text: str, seed: int = 0, share: float = 0.25) -> str:
    """Citation marks after about ``share`` of the sentences and clauses."""
    rng = random.Random(seed)

    def cite(match: re.Match[str]) -> str:
        mark = match.group(1)
        if rng.random() >= share or _is_run_in_heading(text, match.start()):
            return mark
        return _citation(rng, mark)

    return _CITABLE.sub(cite, text)


def _is_run_in_heading(text: str, end: int) -> bool:
    """Fewer than 4 words since the line or sentence began ("Case Report. A 22-year-old")."""
    line_start = text.rfind("\n", 0, end) + 1
    sentence_start = text.rfind(". ", line_start, end)
    return len(text[max(line_start, sentence_start + 2) : end].split()) < 4


def _citation(rng: random.Random, mark: str) -> str:
    n = rng.randint(1, 40)
    styles = [
        f" [{n}]{mark}",
        f"[{n}, {n + 1}]{mark}",
        f" [{n}–{n + 3}]{mark}",
        f" ({n}){mark}",
        f"{n}{mark}",  # superscript glued to the word: "tumours12."
        f" {n},{n + 1}{mark}",  # superscript after a space: "reported 3,4,"
    ]
    if mark == ".":
        styles += [f".{n}", f".{n},{n + 1}", f" [{n}]. [PubMed] [Google Scholar]"]
    return rng.choice(styles)


# ---------------------------------------------------------------- no_headings

_HEADINGS = (
    "abstract|background|introduction|case reports?|case presentation|case description"
    "|presentation of (?:the )?case|clinical presentation|case history|discussion"
    "|conclusions?|objectives?|observations|lessons|methods|materials and methods|results"
    "|study design|summary of literature review|literature review|rationale|patient concerns"
    "|diagnoses|interventions?|outcomes"
    "|history and examination|keywords?"
)
_NUMBERING = r"(?:\d+(?:\.\d+)*\.?\s+)?"
_HEADING_LINE = re.compile(rf"\s*{_NUMBERING}(?:{_HEADINGS})\s*:?\s*", re.IGNORECASE)
_RUN_IN = re.compile(rf"^\s*{_NUMBERING}(?:{_HEADINGS})\s*(?::|\.|\s[-–—])\s+", re.IGNORECASE)


def no_headings(text: str, seed: int = 0) -> str:
    """Heading lines dropped and the paragraphs around each joined by a space; run-in
    headings ("Case presentation: A 12-year-old ...", "Case Report. A 22-year-old ...")
    dropped from their paragraph."""
    out: list[str] = []
    join = False
    for line in text.split("\n"):
        if _HEADING_LINE.fullmatch(line):
            join = True
            continue
        line = _RUN_IN.sub("", line)
        if join and line.strip():
            while out and not out[-1].strip():
                out.pop()
            if out:
                out[-1] = f"{out[-1].rstrip()} {line.lstrip()}"
                join = False
                continue
        join = join and not line.strip()
        out.append(line)
    return "\n".join(out)


# ---------------------------------------------------------------- boilerplate

#: titles of other case reports: other tumours, ages, sexes, levels, sizes and stains
DECOY_TITLES = (
    "Giant cell tumour of the L3 vertebra in a 23-year-old woman",
    "Spinal meningioma: a case series",
    "Chordoma of the C2 vertebra in a 54-year-old man: case report",
    "Intradural schwannoma at T11–T12 presenting as low back pain in a 41-year-old male",
    "Aneurysmal bone cyst of the sacrum in a 9-year-old girl",
    "Solitary fibrous tumour of the thoracic spine: STAT6-positive, S100-negative",
    "Primary epidural lymphoma at T6 in an 80-year-old man",
    "A 3.5 cm myxopapillary ependymoma of the filum terminale in a 30-year-old woman",
    "Metastatic renal cell carcinoma to the L1 vertebral body: a case report",
    "Ewing sarcoma of the lumbar spine in a 15-year-old boy: CD99 and NKX2.2 staining",
    "Osteosarcoma of the T9 vertebra mimicking tuberculous spondylitis",
    "Vertebral haemangioma with cord compression at T4 in pregnancy",
    "Paraspinal rhabdomyosarcoma (desmin and myogenin positive) in a 6-month-old infant",
    "Spinal tuberculosis at L2–L3 misdiagnosed as metastasis in a 67-year-old female",
)
_AUTHORS = ("Rossi M", "Nakamura T", "Okafor C", "Schmidt A", "Chen L", "Garcia P", "Kim JH")
_JOURNALS = (
    ("Spine J", "spinee"),
    ("Eur Spine J", "s00586"),
    ("J Med Case Rep", "s13256"),
    ("Asian Spine J", "asj"),
    ("Surg Neurol Int", "sni"),
)
_COOKIES = (
    "We use cookies to improve your experience on our site. By continuing to browse you "
    "agree to our use of cookies. Accept all cookies | Manage preferences",
    "This website uses cookies and similar technologies. We and our 842 partners store "
    "and access information on your device. Accept | Reject | Customise",
)
_NAVIGATION = (
    "Skip to main content",
    "Home > Journals > Case Reports > Spine",
    "Search | Advanced search | Log in | Register",
    "Download PDF | Share | Cite | Permissions",
    "Article | Figures & Data | References | Metrics",
)
_FOOTER = (
    "© 2024 The Authors. Published under a CC BY 4.0 licence.",
    "Privacy policy | Terms of use | Accessibility | Contact us",
)


def boilerplate(text: str, seed: int = 0) -> str:
    """Web chrome before and after the text, which is kept unchanged in the middle."""
    rng = random.Random(seed)
    before = [rng.choice(_COOKIES), "", *rng.sample(_NAVIGATION, 3), ""]
    blocks = [_references(rng), _listing(rng, "Similar articles"), _listing(rng, "Cited by")]
    rng.shuffle(blocks)
    after = ["", *(line for block in blocks for line in [*block, ""]), *_FOOTER]
    return "\n".join(before) + "\n" + text + "\n" + "\n".join(after)


def _reference(rng: random.Random, title: str) -> str:
    journal, _ = rng.choice(_JOURNALS)
    authors = ", ".join(rng.sample(_AUTHORS, rng.randint(1, 3)))
    year, volume, page = rng.randint(1995, 2023), rng.randint(1, 40), rng.randint(1, 900)
    return f"{authors}, et al. {title}. {journal}. {year};{volume}:{page}–{page + 6}."


def _references(rng: random.Random) -> list[str]:
    titles = rng.sample(DECOY_TITLES, 4)
    links = "[PubMed] [Google Scholar]"
    return ["References", *(f"{i}. {_reference(rng, t)} {links}" for i, t in enumerate(titles, 1))]


def _listing(rng: random.Random, heading: str) -> list[str]:
    """A list of other articles; as scrapers give list items: plain lines or bullets."""
    bullet = rng.choice(["", "  • "])
    return [heading, *(bullet + _reference(rng, t) for t in rng.sample(DECOY_TITLES, 3))]


# ---------------------------------------------------------------- unicode

_UNIT_SPACE = re.compile(r"(?<=\d) (?=(?:cm|mm|years?|months?)\b)")
_RANGE_DASH = re.compile(r"(?<=\d)-(?=[CTLS]?\d)")  # "T11-L1", "C6-7", "3-5"
_TIMES = re.compile(r"(?<=\d)( ?)([x×])( ?)(?=\d)")
_LIGATURES = (("ffi", "ﬃ"), ("ffl", "ﬄ"), ("fi", "ﬁ"), ("fl", "ﬂ"), ("ff", "ﬀ"))


def unicode(text: str, seed: int = 0) -> str:
    """Typographic characters as PDFs and web pages give them; every digit and every
    letter kept (a ligature stands for its letters)."""
    rng = random.Random(seed)
    text = _UNIT_SPACE.sub(lambda _: rng.choice(["\u00a0", "\u2009", "\u202f"]), text)
    text = _RANGE_DASH.sub("–", text).replace(" - ", " — ")
    text = _TIMES.sub(lambda m: m[1] + ("x" if m[2] == "×" else "×") + m[3], text)
    for letters, ligature in _LIGATURES:
        text = text.replace(letters, ligature)
    text = re.sub(r"(?<=\w)'|'(?=\w)", "’", text)
    return re.sub(r'"([^"\n]*)"', "“\\1”", text)


# ---------------------------------------------------------------- page_furniture


def page_furniture(text: str, seed: int = 0) -> str:
    """A page break every 500-1,100 characters: the footer of one page and the header of
    the next inserted at a line break (or between two words when no line ends nearby)."""
    rng = random.Random(seed)
    lines = _running_lines(rng, pages=len(text) // 500 + rng.randint(2, 5))
    parts, start, page = [], 0, 1
    at = _break_at(text, rng.randint(500, 1100))
    while at is not None:
        shown = rng.sample(lines, rng.randint(2, len(lines)))
        furniture = "\n".join(line.format(page=page, next=page + 1) for line in shown)
        parts += [text[start:at], f"\n{furniture}\n"]
        start, page = at + 1, page + 1
        at = _break_at(text, at + rng.randint(500, 1100))
    return "".join([*parts, text[start:]])


def _break_at(text: str, pos: int) -> int | None:
    """The first line end within 200 characters from ``pos``, else the first space."""
    newline, space = text.find("\n", pos), text.find(" ", pos)
    if 0 <= newline < pos + 200:
        return newline
    return space if space >= 0 else None


def _running_lines(rng: random.Random, pages: int) -> list[str]:
    """One document's running footer and header lines ({page} ends, {next} begins)."""
    journal, doi = rng.choice(_JOURNALS)
    author, year = rng.choice(_AUTHORS).split()[0], rng.randint(2010, 2023)
    return [
        f"Page {{page}} of {pages}",
        f"{author} et al. {journal} ({year}) {rng.randint(1, 40)}:{{next}}",
        f"https://doi.org/10.1186/{doi}-{year}-{rng.randint(1000, 9999)}-x",
        "Downloaded from https://www.example-journals.org on 12 March 2024 by guest",
    ]


# ---------------------------------------------------------------- all together


def combined(text: str, seed: int = 0) -> str:
    """Every noise, in the order a scraper produces them; hyphens only where the
    re-wrapped lines end, as in a typeset PDF."""
    text = no_headings(citations(text, seed), seed)
    text = hard_wrap(text, seed, hyphen_share=0.5)
    return boilerplate(page_furniture(unicode(text, seed), seed), seed)


TRANSFORMS: dict[str, Transform] = {
    "hard_wrap": hard_wrap,
    "hyphenate": hyphenate,
    "citations": citations,
    "no_headings": no_headings,
    "boilerplate": boilerplate,
    "unicode": unicode,
    "page_furniture": page_furniture,
    "combined": combined,
}
CLEAN = "clean"


# ---------------------------------------------------------------- the benchmark


def text_seed(seed: int, report_id: str) -> int:
    """One seed per text, stable across runs and machines."""
    return seed * 1_000_003 + zlib.crc32(report_id.encode("utf-8"))


def noisy(texts: dict[str, str], name: str, seed: int) -> dict[str, str]:
    if name == CLEAN:
        return dict(texts)
    transform = TRANSFORMS[name]
    return {rid: transform(text, text_seed(seed, rid)) for rid, text in texts.items()}


def summaries_of(texts: dict[str, str], name: str) -> dict[str, dict[str, Any]]:
    """Summary of every text as ``evaluate`` reads it; a text that fails has none."""
    from extractor import extract

    summaries = {}
    for rid, text in texts.items():
        try:
            summaries[rid] = extract(text, rid).summary.model_dump(mode="json")
        except Exception as exc:  # noqa: BLE001 - a crash is a finding, not the end of the run
            print(f"{name} {rid}: extract failed: {exc!r}", file=sys.stderr)
    return summaries


def results_table(scores: dict[str, Any]) -> str:
    """One Markdown row per noise: micro F1, reports entirely right, F1 per field."""
    from extractor.evaluation.records_gold import RECORD_FIELDS

    head = ["noise", "micro F1", "right", *RECORD_FIELDS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, s in scores.items():
        fields = [_f1(s.counts[f].f1, 2) for f in RECORD_FIELDS]
        right = f"{len(s.right)}/{len(s.reports)}"
        lines.append("| " + " | ".join([name, _f1(s.micro.f1, 3), right, *fields]) + " |")
    return "\n".join(lines)


def _f1(value: float | None, digits: int) -> str:
    """F1 as shown in the table; "-" when a field has neither gold nor predicted values."""
    return "-" if value is None else f"{value:.{digits}f}"


def regressions(scores: dict[str, Any]) -> list[dict[str, Any]]:
    """Fields wrong under a noise but right on the clean text."""
    clean_wrong = {(w["report"], w["field"]) for w in scores[CLEAN].wrong}
    return [
        {"noise": name, **w}
        for name, s in scores.items()
        if name != CLEAN
        for w in s.wrong
        if (w["report"], w["field"]) not in clean_wrong
    ]


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def regressions_text(rows: list[dict[str, Any]], names: list[str]) -> str:
    lines = []
    for name in names:
        mine = [r for r in rows if r["noise"] == name]
        lines.append(f"\n{name}: {len(mine)} fields wrong that are right on the clean text")
        lines += [
            f"  {r['report']}\t{r['field']}\t{_shown(r['predicted'])}\t{_shown(r['gold'])}"
            for r in mine
        ]
    return "\n".join(lines)


def write_tsv(rows: list[dict[str, Any]], path: Path) -> None:
    """One line per regression; values as JSON (which escapes tabs and line breaks)."""
    lines = ["noise\treport\tfield\tpredicted\tgold"]
    for r in rows:
        values = [r["noise"], r["report"], r["field"], _shown(r["predicted"]), _shown(r["gold"])]
        lines.append("\t".join(values))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_pages(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def run(folder: Path, names: list[str], seed: int, dump: Path | None) -> dict[str, Any]:
    """Scores per noise (``clean`` first) of every text of ``folder``."""
    from extractor.evaluation.records_gold import load_records_gold, score_records

    golds, texts = load_records_gold(folder), read_pages(folder)
    scores = {}
    for name in [CLEAN, *names]:
        variant = noisy(texts, name, seed)
        if dump is not None and name != CLEAN:
            _dump(variant, dump / name)
        scores[name] = score_records(golds, summaries_of(variant, name))
    return scores


def _dump(texts: dict[str, str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for rid, text in texts.items():
        (folder / f"{rid}.txt").write_text(text, encoding="utf-8")


def _default_pages() -> Path:
    return next((p for p in PAGES_CANDIDATES if p.is_dir()), PAGES_CANDIDATES[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=_default_pages(), help="gold folder")
    parser.add_argument("--only", choices=sorted(TRANSFORMS), help="one noise (and clean)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--errors", type=Path, help="TSV of the regressions")
    parser.add_argument("--dump", type=Path, help="write the noisy texts to this folder")
    args = parser.parse_args(argv)
    names = [args.only] if args.only else list(TRANSFORMS)
    started = time.perf_counter()
    scores = run(args.pages, names, args.seed, args.dump)
    rows = regressions(scores)
    print(f"pages: {args.pages}  seed: {args.seed}\n")
    print(results_table(scores))
    print(regressions_text(rows, names))
    if args.errors is not None:
        write_tsv(rows, args.errors)
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
