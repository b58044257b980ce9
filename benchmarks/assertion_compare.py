"""Compare negation detection on MACCROBAT: our ConText rules, medspaCy's default
ConText rules, and negspacy's NegEx (default clinical termsets).

Every Sign_symptom and Disease_disorder event is a target (its trigger span); gold is
negated when the event carries ``POLARITY NEG``. All three systems see the same
normalized text, the same sentences (``extractor.sentences``) and the same spans, so
only the cue rules differ. Prints precision, recall, F1 and spans per second.

    .venv/bin/python benchmarks/assertion_compare.py [--maccrobat DIR]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import spacy
from medspacy.context import ConText, ConTextRule
from negspacy.negation import Negex
from spacy.tokens import Doc, Span

from extractor.assertion import assess
from extractor.assertion.engine import ContextEngine
from extractor.assertion.rules import RuleSet
from extractor.sentences import sentence_spans
from extractor.text import normalize

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT.parent / "shared" / "maccrobat-dev"
EVENT_TYPES = frozenset({"Sign_symptom", "Disease_disorder"})


@dataclass(frozen=True)
class GoldDoc:
    doc_id: str
    text: str
    spans: list[tuple[int, int]]
    negated: list[bool]


def parse_brat(ann: str) -> tuple[list[tuple[int, int]], list[bool]]:
    """Trigger spans of the events of interest and whether each is POLARITY NEG."""
    spans: dict[str, tuple[str, int, int]] = {}
    events: dict[str, tuple[str, str]] = {}
    neg: set[str] = set()
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            pieces = offsets.split(";")
            spans[parts[0]] = (label, int(pieces[0].split()[0]), int(pieces[-1].split()[-1]))
        elif line.startswith("E") and len(parts) >= 2:
            kind, _, trigger = parts[1].split()[0].partition(":")
            events[parts[0]] = (kind, trigger)
        elif line.startswith("A") and len(parts) >= 2:
            fields = parts[1].split()
            if fields[:1] == ["POLARITY"] and fields[-1] == "NEG":
                neg.add(fields[1])
    keys = [e for e, (kind, t) in events.items() if kind in EVENT_TYPES and t in spans]
    return [spans[events[e][1]][1:] for e in keys], [e in neg for e in keys]


def load_maccrobat(directory: Path) -> list[GoldDoc]:
    docs = []
    for ann in sorted(directory.glob("*.ann")):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        spans, negated = parse_brat(ann.read_text(encoding="utf-8"))
        docs.append(GoldDoc(ann.stem, text, spans, negated))
    return docs


# ---------------------------------------------------------------- systems

Predictor = Callable[[str, list[tuple[int, int]]], list[bool]]


def ours() -> Predictor:
    return lambda text, spans: [a.negated for a in assess(text, spans)]


def medspacy_default() -> Predictor:
    path = ConText(spacy.blank("en"), rules=None).DEFAULT_RULES_FILEPATH
    ruleset = RuleSet(tuple(ConTextRule.from_json(path)), {}, path)
    engine = ContextEngine(ruleset)
    return lambda text, spans: [a.negated for a in assess(text, spans, engine=engine)]


def _layers(spans: list[tuple[int, int]]) -> list[list[int]]:
    """Group span indices into layers of non-overlapping spans (doc.ents forbids overlap)."""
    layers: list[list[int]] = []
    for i in sorted(range(len(spans)), key=lambda k: spans[k]):
        for layer in layers:
            if spans[layer[-1]][1] <= spans[i][0]:
                layer.append(i)
                break
        else:
            layers.append([i])
    return layers


def negspacy_default() -> Predictor:
    nlp = spacy.blank("en")
    negex = nlp.add_pipe("negex")
    assert isinstance(negex, Negex)

    def sentence(text: str, spans: list[tuple[int, int]]) -> list[bool]:
        result = [False] * len(spans)
        for layer in _layers(spans):
            doc: Doc = nlp.make_doc(text)
            for token in doc:  # the whole string is one sentence
                token.is_sent_start = token.i == 0
            ents = [doc.char_span(*spans[i], label="X", alignment_mode="expand") for i in layer]
            doc.ents = [e for e in ents if e is not None]
            negex(doc)
            for i, ent in zip(layer, ents, strict=True):
                result[i] = bool(ent is not None and Span(doc, ent.start, ent.end)._.negex)
        return result

    def predict(text: str, spans: list[tuple[int, int]]) -> list[bool]:
        norm = normalize(text)
        targets = [norm.to_normalized(s, e) for s, e in spans]
        result = [False] * len(spans)
        for s_start, s_end in sentence_spans(norm.text):
            members = [i for i, (s, _) in enumerate(targets) if s_start <= s < s_end]
            if not members:
                continue
            local = [
                (targets[i][0] - s_start, min(targets[i][1], s_end) - s_start) for i in members
            ]
            for i, value in zip(members, sentence(norm.text[s_start:s_end], local), strict=True):
                result[i] = value
        return result

    return predict


# ---------------------------------------------------------------- scoring


def score(docs: list[GoldDoc], predict: Predictor) -> dict[str, float]:
    tp = fp = fn = n = 0
    started = time.perf_counter()
    for doc in docs:
        for pred, gold in zip(predict(doc.text, doc.spans), doc.negated, strict=True):
            tp += pred and gold
            fp += pred and not gold
            fn += gold and not pred
            n += 1
    elapsed = time.perf_counter() - started
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"P": precision, "R": recall, "F1": f1, "spans/s": n / elapsed, "n": n, "gold": tp + fn}


SYSTEMS: dict[str, Callable[[], Predictor]] = {
    "ours (extractor.assertion)": ours,
    "medspaCy ConText default rules": medspacy_default,
    "negspacy Negex default termsets": negspacy_default,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--maccrobat", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    docs = load_maccrobat(args.maccrobat)
    if not docs:
        parser.error(f"no .ann files in {args.maccrobat}")
    print(f"{'system':34s} {'P':>6s} {'R':>6s} {'F1':>6s} {'spans/s':>9s}")
    for name, build in SYSTEMS.items():
        predict = build()
        predict(docs[0].text, docs[0].spans)  # warm-up: build matchers and caches
        m = score(docs, predict)
        print(f"{name:34s} {m['P']:6.3f} {m['R']:6.3f} {m['F1']:6.3f} {m['spans/s']:9.0f}")
    print(f"({m['n']} spans, {m['gold']} negated in gold, {len(docs)} documents)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
