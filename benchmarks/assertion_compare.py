"""Compare assertion detection (negated, uncertain): our ConText rules, medspaCy's
default ConText rules, and negspacy's NegEx (default clinical termsets).

Sets (readers in ``assertion_sets.py``): MACCROBAT dev (Sign_symptom and
Disease_disorder events), E3C dev (events inside a CLINENTITY span, and all events)
and the project's gold mentions on the real reports, all of them and the diagnosis
mentions alone (``--synthetic`` adds the synthetic reports). All three systems see the
same normalized text, the same sentences (``extractor.sentences``) and the same spans,
so only the cue rules differ. medspaCy's NEGATED_EXISTENCE counts as negated and
POSSIBLE_EXISTENCE as uncertain; NegEx only negates. Prints, per set and system, P/R/F1
with tp/fp/fn for both categories, the span count and the seconds the system took on
the set, as a Markdown table.

    .venv/bin/python benchmarks/assertion_compare.py [--maccrobat DIR] [--e3c DIR]
        [--annotations DIR] [--synthetic] [--errors DIR]
        [--span-gold DIR --span-texts DIR]

``--errors DIR`` writes, per set, one TSV of our false positives and false negatives
(document, category, fp/fn, span text, cue rule and text, sentence) for error analysis.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import spacy
from assertion_sets import (  # sibling file
    GoldDoc,
    load_corpus_gold,
    load_e3c,
    load_maccrobat,
    load_span_gold,
)
from medspacy.context import ConText, ConTextRule
from negspacy.negation import Negex
from spacy.tokens import Doc, Span

from extractor.assertion import assess
from extractor.assertion.engine import ContextEngine
from extractor.assertion.rules import RuleSet
from extractor.sentences import sentence_spans
from extractor.text import normalize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
#: the only field whose gold mentions carry negated / uncertain (stains are never negated)
DIAGNOSIS = frozenset({"diagnosis"})


# ---------------------------------------------------------------- systems

#: (negated, uncertain, resolved) per span; uncertain is None when the system has no such
#: category; resolved counts as negated on a set whose gold does so (MACCROBAT)
Flags = tuple[bool, bool | None, bool]
Predictor = Callable[[str, list[tuple[int, int]]], list[Flags]]


def ours() -> Predictor:
    return lambda text, spans: [(a.negated, a.uncertain, a.resolved) for a in assess(text, spans)]


def medspacy_default() -> Predictor:
    """medspaCy's default rules in our engine: NEGATED_EXISTENCE -> negated,
    POSSIBLE_EXISTENCE -> uncertain (``extractor.assertion.rules.CATEGORY_FIELDS``)."""
    path = ConText(spacy.blank("en"), rules=None).DEFAULT_RULES_FILEPATH
    ruleset = RuleSet(tuple(ConTextRule.from_json(path)), {}, path)
    engine = ContextEngine(ruleset)
    return lambda text, spans: [
        (a.negated, a.uncertain, a.resolved) for a in assess(text, spans, engine=engine)
    ]


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
        # spans -> token spans first: two character spans can share a token
        doc: Doc = nlp.make_doc(text)
        expanded = [doc.char_span(*span, alignment_mode="expand") for span in spans]
        tokens = {i: (e.start, e.end) for i, e in enumerate(expanded) if e is not None}
        keys = sorted(tokens)
        result = [False] * len(spans)
        for layer in _layers([tokens[k] for k in keys]):
            doc = nlp.make_doc(text)
            for token in doc:  # the whole string is one sentence
                token.is_sent_start = token.i == 0
            ents = [Span(doc, *tokens[keys[j]], label="X") for j in layer]
            doc.ents = ents
            negex(doc)
            for j, ent in zip(layer, ents, strict=True):
                result[keys[j]] = bool(ent._.negex)
        return result

    def predict(text: str, spans: list[tuple[int, int]]) -> list[Flags]:
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
        return [(negated, None, False) for negated in result]  # NegEx: negated only

    return predict


# ---------------------------------------------------------------- scoring


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, pred: bool, gold: bool) -> None:
        self.tp += pred and gold
        self.fp += pred and not gold
        self.fn += gold and not pred

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Result:
    spans: int
    seconds: float
    negated: Counts
    uncertain: Counts | None  # None: the system does not predict uncertainty


def score(docs: list[GoldDoc], predict: Predictor) -> Result:
    negated, uncertain, n, has_uncertain = Counts(), Counts(), 0, True
    started = time.perf_counter()
    predictions = [predict(doc.text, doc.spans) for doc in docs]
    elapsed = time.perf_counter() - started
    for doc, flags in zip(docs, predictions, strict=True):
        for (neg, unc, res), gold_neg, gold_unc in zip(
            flags, doc.negated, doc.uncertain, strict=True
        ):
            negated.add(neg or (res and doc.resolved_is_negated), gold_neg)
            if unc is None:
                has_uncertain = False
            else:
                uncertain.add(unc, gold_unc)
            n += 1
    return Result(n, elapsed, negated, uncertain if has_uncertain else None)


# ---------------------------------------------------------------- error listing


def _sentence_of(text: str, start: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    right = [i for i in (text.find(". ", start), text.find("\n", start)) if i >= 0]
    return " ".join(text[left : min(right, default=len(text)) + 1].split())


def error_rows(docs: list[GoldDoc]) -> list[str]:
    """Our false positives and false negatives, one TSV line each."""
    rows = ["doc\tcategory\terror\tspan\tcue_rule\tcue\tsentence"]
    for doc in docs:
        for (start, end), a, gold_neg, gold_unc in zip(
            doc.spans, assess(doc.text, doc.spans), doc.negated, doc.uncertain, strict=True
        ):
            for category, pred, gold in (
                ("negated", a.negated or (a.resolved and doc.resolved_is_negated), gold_neg),
                ("uncertain", a.uncertain, gold_unc),
            ):
                if pred == gold:
                    continue
                cue = a.cue if a.cue is not None and pred else None
                rows.append(
                    "\t".join(
                        (
                            doc.doc_id,
                            category,
                            "fp" if pred else "fn",
                            " ".join(doc.text[start:end].split()),
                            cue.rule if cue else "",
                            cue.text if cue else "",
                            _sentence_of(doc.text, start),
                        )
                    )
                )
    return rows


def write_errors(out: Path, sets: dict[str, list[GoldDoc]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, docs in sets.items():
        slug = "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")
        (out / f"{slug}.tsv").write_text("\n".join(error_rows(docs)) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- sets and report


SYSTEMS: dict[str, Callable[[], Predictor]] = {
    "ours": ours,
    "medspaCy default ConText": medspacy_default,
    "negspacy default": negspacy_default,
}


def evaluation_sets(args: argparse.Namespace) -> dict[str, list[GoldDoc]]:
    corpus = {"real reports": False} | ({"synthetic": True} if args.synthetic else {})
    sets = {
        "MACCROBAT dev (Sign_symptom + Disease_disorder)": load_maccrobat(args.maccrobat),
        "E3C dev, events in CLINENTITY": load_e3c(args.e3c, clinentity_only=True),
        "E3C dev, all events": load_e3c(args.e3c, clinentity_only=False),
    }
    for group, synthetic in corpus.items():
        for label, fields in (("all mentions", None), ("diagnosis mentions", DIAGNOSIS)):
            sets[f"corpus gold, {group} ({label})"] = load_corpus_gold(
                args.annotations, synthetic=synthetic, fields=fields
            )
    if args.span_gold:
        sets[f"span gold {args.span_gold.name}"] = load_span_gold(args.span_gold, args.span_texts)
    for name, docs in sets.items():
        if not docs:
            raise SystemExit(f"{name}: no documents found (check the path options)")
    return sets


HEADER = (
    "| set | system | spans | negated P | R | F1 | tp/fp/fn "
    "| uncertain P | R | F1 | tp/fp/fn | s |\n" + "|---" * 12 + "|"
)


def _cells(counts: Counts | None) -> str:
    if counts is None:
        return "- | - | - | -"
    p, r, f1 = counts.prf()
    return f"{p:.3f} | {r:.3f} | {f1:.3f} | {counts.tp}/{counts.fp}/{counts.fn}"


def row(set_name: str, system: str, result: Result) -> str:
    return (
        f"| {set_name} | {system} | {result.spans} | {_cells(result.negated)} "
        f"| {_cells(result.uncertain)} | {result.seconds:.2f} |"
    )


def gold_line(name: str, docs: list[GoldDoc]) -> str:
    spans = sum(len(d.spans) for d in docs)
    neg = sum(sum(d.negated) for d in docs)
    unc = sum(sum(d.uncertain) for d in docs)
    return f"{name}: {len(docs)} documents, {spans} spans, {neg} negated, {unc} uncertain in gold"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--maccrobat", type=Path, default=SHARED / "maccrobat-dev")
    parser.add_argument("--e3c", type=Path, default=SHARED / "e3c-dev")
    parser.add_argument("--annotations", type=Path, default=ROOT / "annotations")
    parser.add_argument(
        "--synthetic", action="store_true", help="add the synthetic gold reports as a set"
    )
    parser.add_argument("--errors", type=Path, help="write our errors per set to DIR/*.tsv")
    parser.add_argument(
        "--span-gold", type=Path, help="a folder of span gold JSON files (assertion_sets.py)"
    )
    parser.add_argument("--span-texts", type=Path, help="the folder of their text files")
    args = parser.parse_args(argv)
    sets = evaluation_sets(args)
    if args.errors:
        write_errors(args.errors, sets)
    for name, docs in sets.items():
        print(gold_line(name, docs))
    predictors = {name: build() for name, build in SYSTEMS.items()}
    first = next(iter(sets.values()))[0]
    for predict in predictors.values():
        predict(first.text, first.spans)  # warm-up: build matchers and caches
    print()
    print(HEADER)
    for set_name, docs in sets.items():
        for system, predict in predictors.items():
            print(row(set_name, system, score(docs, predict)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
