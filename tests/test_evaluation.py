"""The evaluator on tiny hand-made gold/prediction pairs with known scores."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from nervaluate import Evaluator

from extractor.evaluation import brat
from extractor.evaluation.gold import GoldDocument, GoldError, load_gold
from extractor.evaluation.matching import match_spans, value_agrees
from extractor.evaluation.metrics import Accuracy, Counts, macro, micro
from extractor.evaluation.report import evaluate_command, load_records
from extractor.evaluation.scoring import Scores, char_agreement, evaluate, score_document
from extractor.evaluation.summaries import compare_summaries, findings_equal, summary_exact
from extractor.schema import Assertion, Mention, Record, Section, Source, Summary

TEXT = "A 45-year-old woman. Case report: mass at L4. Discussion: other lesions."
#       0         1         2         3         4         5         6         7


def span_of(part: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def mention(field: str, part: str, value: dict, section: str = "case_presentation", **flags):
    start, end = span_of(part)
    return Mention(field=field, text=part, start=start, end=end, section=section, value=value,
                   assertion=Assertion(**flags), rule="test")  # fmt: skip


def gold_mention(field: str, part: str, value: dict, **flags) -> dict:
    start, end = span_of(part)
    return {"field": field, "text": part, "start": start, "end": end, "value": value,
            "assertion": flags}  # fmt: skip


def record(mentions=(), sections=(), summary=None, report_id: str = "r1") -> Record:
    source = Source(path="x.txt", sha256="0", n_chars=len(TEXT), encoding="utf-8")
    return Record(report_id=report_id, source=source, mentions=list(mentions),
                  sections=list(sections), summary=summary or Summary())  # fmt: skip


def section(label: str, heading: str, start: int, end: int) -> Section:
    from extractor.schema import SECTION_KINDS

    return Section(label=label, kind=SECTION_KINDS[label], heading=heading, start=start, end=end)


GOLD_SECTIONS = [
    {"label": "front_matter", "heading": "", "start": 0, "end": 21},
    {"label": "case_presentation", "heading": "Case report:", "start": 21, "end": 46},
    {"label": "discussion", "heading": "Discussion:", "start": 46, "end": len(TEXT)},
]


def gold_doc(mentions=(), sections=GOLD_SECTIONS, summary=None, **extra) -> GoldDocument:
    data = {"report_id": "r1", "mentions": list(mentions), "sections": list(sections),
            "summary": summary, **extra}  # fmt: skip
    return GoldDocument.model_validate(data)


# ---------------------------------------------------------------- metrics


@pytest.mark.parametrize(
    ("counts", "precision", "recall", "f1"),
    [
        (Counts(tp=2, fp=2, fn=0), 0.5, 1.0, 2 / 3),
        (Counts(tp=1, fp=0, fn=3), 1.0, 0.25, 0.4),
        (Counts(tp=0, fp=0, fn=2), None, 0.0, 0.0),
        (Counts(), None, None, None),
    ],
)
def test_counts_scores(counts: Counts, precision, recall, f1) -> None:
    def approx(x):
        return None if x is None else pytest.approx(x)

    assert (counts.precision, counts.recall, counts.f1) == (
        approx(precision),
        approx(recall),
        approx(f1),
    )


@pytest.mark.parametrize(
    ("items", "micro_f1", "macro_f1"),
    [
        ([Counts(tp=1, fp=1, fn=0), Counts(tp=3, fp=0, fn=1)], 8 / 10, (2 / 3 + 6 / 7) / 2),
        ([Counts(tp=2), Counts()], 1.0, 1.0),  # an empty item is skipped by macro
    ],
)
def test_micro_and_macro(items: list[Counts], micro_f1: float, macro_f1: float) -> None:
    assert micro(items).f1 == pytest.approx(micro_f1)
    assert macro(items)["f1"] == pytest.approx(macro_f1)


@pytest.mark.parametrize(("oks", "expected"), [([True, False, True, True], 0.75), ([], None)])
def test_accuracy(oks: list[bool], expected) -> None:
    acc = Accuracy()
    for ok in oks:
        acc.add(ok)
    assert acc.value == expected


# ---------------------------------------------------------------- span matching

SPAN_CASES = [
    # gold, pred, strict (tp, fp, fn), lenient (tp, fp, fn)
    ([(0, 5), (10, 15)], [(0, 5), (11, 14), (20, 22)], (1, 2, 1), (2, 1, 0)),
    ([(0, 10)], [(0, 4), (5, 10)], (0, 2, 1), (1, 1, 0)),  # one-to-one
    ([(0, 4), (5, 10)], [(0, 10)], (0, 1, 2), (1, 0, 1)),
    ([(0, 5)], [(5, 9)], (0, 1, 1), (0, 1, 1)),  # touching is not overlapping
    ([(3, 8), (3, 8)], [(3, 8)], (1, 0, 1), (1, 0, 1)),
    ([], [(1, 2)], (0, 1, 0), (0, 1, 0)),
]


@pytest.mark.parametrize(("gold", "pred", "strict", "lenient"), SPAN_CASES)
def test_match_spans(gold, pred, strict, lenient) -> None:
    for scheme, expected in (("strict", strict), ("lenient", lenient)):
        m = match_spans(gold, pred, scheme)
        assert (len(m.pairs), len(m.spurious), len(m.missed)) == expected


def test_lenient_prefers_exact_then_largest_overlap() -> None:
    m = match_spans([(0, 10), (12, 20)], [(5, 13), (0, 10), (14, 20)], "lenient")
    assert m.pairs == [(0, 1), (1, 2)]
    assert m.spurious == [0]


@pytest.mark.parametrize(("gold", "pred", "strict", "lenient"), SPAN_CASES[:2])
def test_span_schemes_agree_with_nervaluate(gold, pred, strict, lenient) -> None:
    def ents(spans):
        return [[{"label": "age", "start": s, "end": e - 1} for s, e in spans]]

    results = Evaluator(ents(gold), ents(pred), tags=["age"]).evaluate()[0]
    ours = {"strict": strict, "ent_type": lenient}
    for scheme, (tp, _fp, fn) in ours.items():
        assert results[scheme]["correct"] == tp
        assert results[scheme]["possible"] == tp + fn


# ---------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("field", "gold", "pred", "agrees"),
    [
        ("age", {"years": 45.0}, {"years": 45.005}, True),
        ("age", {"years": 45.0}, {"years": 45.1}, False),
        ("age", {"years": None, "decade": 60}, {"years": None, "decade": 60}, True),
        ("sex", {"sex": "female"}, {"sex": "male"}, False),
        ("size", {"dims_mm": [45, 35]}, {"dims_mm": [35, 45.4]}, True),
        ("size", {"dims_mm": [45, 35]}, {"dims_mm": [46, 35]}, False),
        ("size", {"dims_mm": [45, 35]}, {"dims_mm": [45]}, False),
        ("level", {"levels": ["L4", "L5"]}, {"levels": ["L4", "L5"]}, True),
        ("level", {"levels": ["L4", "L5"]}, {"levels": ["L4"]}, False),
        ("stain", {"marker": "Ki-67", "result": "positive"},
         {"marker": "ki67", "result": "positive"}, True),
        ("stain", {"marker": "S-100", "result": "positive"},
         {"marker": "S100", "result": "negative"}, False),
        ("diagnosis", {"name": "schwannoma", "icdo3": "9560/0", "role": "final"},
         {"name": "neurilemmoma", "icdo3": "9560/0", "role": "final"}, True),
        ("diagnosis", {"name": "Schwannoma", "icdo3": None, "role": "final"},
         {"name": "schwannoma", "icdo3": None, "role": "final"}, True),
        ("diagnosis", {"name": "schwannoma", "icdo3": "9560/0", "role": "final"},
         {"name": "schwannoma", "icdo3": "9560/0", "role": "differential"}, False),
        ("site", {"name": "thigh", "laterality": "left", "icdo3_topography": "C49.2"},
         {"name": "lower limb", "laterality": "left", "icdo3_topography": "C49.2"}, True),
        ("site", {"name": "thigh", "laterality": "left", "icdo3_topography": None},
         {"name": "thigh", "laterality": "right", "icdo3_topography": None}, False),
    ],
)  # fmt: skip
def test_value_agrees(field: str, gold: dict, pred: dict, agrees: bool) -> None:
    assert value_agrees(field, gold, pred) is agrees


# ---------------------------------------------------------------- documents


def test_mentions_strict_lenient_values_and_assertions() -> None:
    doc = gold_doc(
        mentions=[
            gold_mention("age", "45-year-old", {"years": 45.0}),
            gold_mention("sex", "woman", {"sex": "female"}),
            gold_mention("level", "L4", {"levels": ["L4"], "kind": "vertebra"}, negated=True),
        ]
    )
    pred = record(mentions=[
        mention("age", "45-year", {"years": 45.0}),  # lenient only
        mention("sex", "woman", {"sex": "male"}),  # exact span, wrong value
        mention("level", "L4", {"levels": ["L4"], "kind": "vertebra"}),  # flag missed
        mention("site", "lesions", {"name": "x"}, section="discussion"),  # spurious
    ])  # fmt: skip
    scores = Scores()
    score_document(doc, pred, scores)
    strict, lenient = scores.mentions["strict"], scores.mentions["lenient"]
    assert (strict["age"].tp, strict["age"].fp, strict["age"].fn) == (0, 1, 1)
    assert (lenient["age"].tp, lenient["age"].fp, lenient["age"].fn) == (1, 0, 0)
    assert micro(strict.values()).as_dict()["tp"] == 2
    assert lenient["site"].fp == 1
    assert scores.values["sex"].value == 0.0 and scores.values["age"].value == 1.0
    assert scores.assertions["negated"].as_dict()["correct"] == 2
    kinds = {(e["kind"], e["field"]) for e in scores.errors}
    assert {("boundary", "age"), ("value", "sex"), ("assertion", "level"), ("fp", "site")} <= kinds


@pytest.mark.parametrize(
    ("gold", "pred", "length", "agree"),
    [
        ([(0, 10, "a"), (10, 20, "b")], [(0, 12, "a"), (12, 20, "b")], 20, 18),
        ([(0, 10, "a"), (10, 20, "b")], [(0, 20, "a")], 20, 10),
        ([(0, 10, "a"), (10, 20, "b")], [], 20, 0),
        ([(0, 20, "a")], [(0, 5, "a"), (5, 15, "b"), (15, 20, "a")], 20, 10),
    ],
)
def test_char_agreement(gold, pred, length: int, agree: int) -> None:
    assert char_agreement(gold, pred, length) == agree


def test_sections_headings_labels_and_boundaries() -> None:
    pred = record(sections=[
        section("front_matter", "", 0, 21),
        section("investigations", "Case report", 21, 46),  # overlaps, wrong label
        section("discussion", "lesions", 64, len(TEXT)),  # no gold heading here
    ])  # fmt: skip
    scores = Scores()
    score_document(gold_doc(), pred, scores)
    h = scores.headings
    assert (h.tp, h.fp, h.fn) == (1, 1, 1)
    assert scores.heading_labels.value == 0.0
    # agreeing chars: front matter 21 + discussion from 64 to the end
    assert scores.boundary.as_dict()["correct"] == 21 + len(TEXT) - 64
    assert scores.boundary.total == len(TEXT)


# ---------------------------------------------------------------- summary

GOLD_SUMMARY = {
    "age_years": 45.0, "sex": "female",
    "sites": [{"name": "paraspinal muscle", "laterality": "left", "icdo3_topography": "C49.6"}],
    "levels": ["L4", "L5"], "size_max_mm": 45.0, "size_dims_mm": [45.0, 30.0],
    "stains": [{"marker": "S-100", "result": "positive"}, {"marker": "CD34", "result": "negative"}],
    "final_diagnosis": {"name": "schwannoma", "icdo3": "9560/0"},
    "differential_diagnoses": [{"name": "neurofibroma", "icdo3": "9540/0"}],
    "negated_findings": ["necrosis", "capsular invasion"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, {}),
        ({"age_years": 45.4, "size_max_mm": 45.9}, {}),  # within tolerance
        ({"age_years": 46.0}, {"age_years": (0, 1, 1)}),
        ({"sex": None}, {"sex": (0, 0, 1)}),
        ({"levels": ["L4", "L4", "S1"]}, {"levels": (1, 1, 1)}),
        ({"stains": [{"marker": "S100", "result": "positive"}]}, {"stains": (1, 0, 1)}),
        ({"sites": [{"name": "back", "icdo3_topography": "C49.6"}]}, {}),  # code decides
        ({"final_diagnosis": {"name": "Schwannoma,", "icdo3": None}}, {}),  # name decides
        ({"differential_diagnoses": []}, {"differential_diagnoses": (0, 0, 1)}),
        ({"negated_findings": ["no tumour necrosis", "mitoses"]},
         {"negated_findings": (1, 1, 1)}),
        ({"size_dims_mm": [45.0]}, {"size_dims_mm": (0, 1, 1)}),
    ],
)  # fmt: skip
def test_summary_matching(changes: dict, expected: dict) -> None:
    results = compare_summaries(GOLD_SUMMARY, {**GOLD_SUMMARY, **changes})
    for key, result in results.items():
        c = result.counts
        if key in expected:
            assert (c.tp, c.fp, c.fn) == expected[key], key
        else:
            assert c.fp == c.fn == 0, key
    assert summary_exact(results) is (not expected)


@pytest.mark.parametrize(
    ("gold", "pred", "equal"),
    [
        ("necrosis", "Necrosis", True),
        ("capsular invasion", "invasion", True),
        ("lymph node metastasis", "metastasis", True),
        ("pallor", "necrosis", False),
        ("the", "no", False),
    ],
)
def test_findings_equal(gold: str, pred: str, equal: bool) -> None:
    assert findings_equal(gold, pred) is equal


# ---------------------------------------------------------------- gold files and the command


def write_gold(root: Path, synthetic: bool = False, **changes) -> Path:
    folder = root / "annotations" / ("synthetic" if synthetic else "")
    corpus = root / "corpus" / ("synthetic" if synthetic else "")
    folder.mkdir(parents=True, exist_ok=True)
    corpus.mkdir(parents=True, exist_ok=True)
    rid = "s1" if synthetic else "r1"
    (corpus / f"{rid}.txt").write_text(TEXT, encoding="utf-8")
    text_file = f"corpus/{'synthetic/' if synthetic else ''}{rid}.txt"
    data = {"report_id": rid, "text_file": text_file, "sections": GOLD_SECTIONS,
            "mentions": [gold_mention("age", "45-year-old", {"years": 45.0}),
                         gold_mention("sex", "woman", {"sex": "female"})],
            "summary": {"age_years": 45.0, "sex": "female"}, **changes}  # fmt: skip
    (folder / f"{rid}.json").write_text(json.dumps(data), encoding="utf-8")
    return root / "annotations"


def test_load_gold_groups_real_and_synthetic(tmp_path: Path) -> None:
    write_gold(tmp_path)
    gold_dir = write_gold(tmp_path, synthetic=True)
    docs = load_gold(gold_dir)
    assert [(d.report_id, d.group) for d in docs] == [("r1", "real"), ("s1", "synthetic")]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mentions": [{"field": "age", "text": "45", "start": 0, "end": 2,
                        "value": {"years": 45}}]}, "mentions/0: text '45'"),
        ({"mentions": [{"field": "colour", "text": "A", "start": 0, "end": 1, "value": {}}]},
         "mentions/0/field"),
        ({"mentions": [{"field": "sex", "text": "woman", "start": 14, "end": 19,
                        "value": {"sex": "f"}}]}, "mentions/0/value/sex"),
        ({"sections": [{"label": "discussion", "heading": "Case", "start": 0, "end": 5}]},
         "sections/0: heading 'Case'"),
    ],
)  # fmt: skip
def test_load_gold_reports_problems(tmp_path: Path, changes: dict, message: str) -> None:
    gold_dir = write_gold(tmp_path, **changes)
    with pytest.raises(GoldError, match="r1.json") as info:
        load_gold(gold_dir)
    assert message in str(info.value)


def test_load_gold_uses_annotators_schema(tmp_path: Path) -> None:
    gold_dir = write_gold(tmp_path)
    schema = {"type": "object", "required": ["guideline_version"]}
    (gold_dir / "gold.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(GoldError, match="guideline_version"):
        load_gold(gold_dir)


def write_records(path: Path, records: list[Record]) -> Path:
    lines = [r.model_dump_json() for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_evaluate_command_writes_tables_and_errors(tmp_path: Path, capsys) -> None:
    write_gold(tmp_path)
    gold_dir = write_gold(tmp_path, synthetic=True)  # s1 has no prediction
    pred = record(
        mentions=[mention("age", "45-year-old", {"years": 45.0}),
                  mention("site", "mass", {"name": "mass"})],
        sections=[section("front_matter", "", 0, 21), section("case_presentation",
                  "Case report:", 21, len(TEXT))],
        summary=Summary(age_years=45.0),
    )  # fmt: skip
    records = write_records(tmp_path / "records.jsonl", [pred])
    out = tmp_path / "out"
    assert evaluate_command(gold_dir, records, out, None) == 0
    printed = capsys.readouterr().out
    assert "== real: 1 gold reports" in printed
    assert "== synthetic: 1 gold reports, 1 missing from predictions: s1" in printed
    metrics = json.loads((out / "metrics.json").read_text())
    real = metrics["metrics"]["real"]
    assert real["mention"]["strict"]["micro"]["tp"] == 1
    assert real["mention"]["strict"]["micro"]["fn"] == 1
    assert real["mention"]["strict"]["micro"]["fp"] == 1
    assert metrics["metrics"]["synthetic"]["mention"]["lenient"]["micro"]["recall"] == 0.0
    assert real["summary"]["-"]["sex"]["fn"] == 1
    assert real["summary_exact"]["-"]["reports"]["accuracy"] == 0.0
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert {"group": "synthetic", "report_id": "s1", "kind": "missing"}.items() <= errors[
        [e["kind"] for e in errors].index("missing")
    ].items()
    fn_sex = next(e for e in errors if e["field"] == "sex" and e["level"] == "mention")
    assert (fn_sex["kind"], fn_sex["start"], fn_sex["section"]) == ("fn", 14, "front_matter")
    assert (out / "metrics.csv").read_text().startswith("group,level,scheme,name")
    assert (out / "errors.csv").read_text().count("\n") == len(errors) + 1


@pytest.mark.parametrize(
    ("gold", "pred", "brat_dir"),
    [
        (None, None, None),
        (Path("annotations"), None, None),
        (Path("/nonexistent"), Path("x"), None),
    ],
)
def test_evaluate_command_usage_errors(gold, pred, brat_dir) -> None:
    assert evaluate_command(gold, pred, None, brat_dir) == 2


def test_load_records_names_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(record().model_dump_json() + "\n{}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="records.jsonl:2"):
        load_records(path)


def test_evaluate_only_scores_gold_reports() -> None:
    other = record(mentions=[mention("age", "45-year-old", {"years": 45.0})], report_id="zz")
    scores = evaluate([gold_doc()], {"zz": other})["real"]
    assert scores.reports == ["r1"] and scores.missing == ["r1"]
    assert micro(scores.mentions["lenient"].values()).fp == 0


# ---------------------------------------------------------------- brat

BRAT_TEXT = "A 28-year-old man had no fever. Tumor cells were positive for CD34, 350 mL, 3x4 cm."
BRAT_ANN = """T1\tAge 2 13\t28-year-old
T2\tSex 14 17\tman
T3\tSign_symptom 25 30\tfever
E1\tSign_symptom:T3 
A1\tPOLARITY E1 NEG
T4\tLab_value 49 57\tpositive
T5\tDiagnostic_procedure 62 66\tCD34
E2\tDiagnostic_procedure:T5 
R1\tMODIFY Arg1:E2 Arg2:T4\t
T6\tVolume 68 74\t350 mL
T7\tArea 76 82\t3x4 cm
T8\tDisease_disorder 0 1;18 21\tA had
E3\tDisease_disorder:T8 
*\tOVERLAP E1 E2
#1\tAnnotatorNotes T1\tfree text
"""


def test_brat_text_matches_offsets() -> None:
    ann = brat.parse_ann(BRAT_ANN)
    for tb in ann.entities.values():
        assert " ".join(BRAT_TEXT[s:e] for s, e in tb.fragments) == tb.text


def test_parse_ann_events_relations_attributes_and_discontinuous_spans() -> None:
    ann = brat.parse_ann(BRAT_ANN)
    assert ann.entities["T8"].fragments == ((0, 1), (18, 21))
    assert (ann.entities["T8"].start, ann.entities["T8"].end) == (0, 21)
    assert ann.resolve("E2") == "T5" and ann.resolve("T4") == "T4"
    assert ann.relations == [("MODIFY", "E2", "T4")]
    assert brat.negated_events(ann) == {"T3"}
    assert [t.id for t in brat.gold_spans(ann, "size")] == ["T7"]  # 350 mL left out


def test_parse_ann_names_bad_line() -> None:
    with pytest.raises(brat.BratError, match="x.ann:2"):
        brat.parse_ann("T1\tAge 2 13\t28-year-old\nT2\tSex two 17\tman\n", "x.ann")


@pytest.mark.parametrize(
    ("text", "unit"),
    [("10-cm", True), ("3x4 cm", True), ("5cm", True), ("1.25 mm", True), ("12 × 4 cm", True),
     ("350 mL", False), ("18 cm3", False), ("various sizes", False), ("3 liters", False),
     ("2.5 DD in width", False), ("6 cm below the costal rib", True)],
)  # fmt: skip
def test_has_length_unit(text: str, unit: bool) -> None:
    assert brat.has_length_unit(text) is unit


@pytest.mark.parametrize(
    ("text", "result"),
    [("positive", "positive"), ("negative", "negative"), ("+", "positive"), ("−", "negative"),
     ("no staining", "negative"), ("Diffuse staining", "positive"), ("15%", None),
     ("normal", None), ("focally positive", "positive")],
)  # fmt: skip
def test_lab_result(text: str, result) -> None:
    assert brat.lab_result(text) == result


@pytest.mark.parametrize("reverse", [False, True])
def test_gold_stains_follow_modify_in_either_direction(monkeypatch, reverse: bool) -> None:
    monkeypatch.setattr(brat, "find_marker", lambda text: "CD34" if "CD34" in text else None)
    ann_text = BRAT_ANN.replace("Arg1:E2 Arg2:T4", "Arg1:T4 Arg2:E2") if reverse else BRAT_ANN
    stains = brat.gold_stains(brat.parse_ann(ann_text))
    assert list(stains) == [("cd34", "positive")]


def test_score_brat_counts(monkeypatch) -> None:
    monkeypatch.setattr(brat, "find_marker", lambda text: "CD34" if "CD34" in text else None)
    monkeypatch.setattr(brat, "has_vocabulary", lambda kind: True)
    doc = brat.BratDocument("d1", BRAT_TEXT, brat.parse_ann(BRAT_ANN))

    def fake_mention(field, start, end, value=None, rule="test.rule"):
        return SimpleNamespace(field=field, start=start, end=end, text=BRAT_TEXT[start:end],
                               value=value or {}, rule=rule)  # fmt: skip

    stain = {"marker": "CD34", "result": "negative"}
    # the pronoun-fallback evidence of the summary sex is no sex mention: not an fp
    mentions = [fake_mention("age", 2, 10), fake_mention("size", 68, 74),
                fake_mention("stain", 62, 66, stain),
                fake_mention("sex", 20, 22, {"sex": "male"}, "sex.pronoun_fallback")]  # fmt: skip

    def extract(text, doc_id):
        return SimpleNamespace(mentions=mentions)

    def assess(text, spans):  # negates every target
        return [SimpleNamespace(negated=True) for _ in spans]

    scores = brat.score_brat([doc], extract, assess)
    age, sex, size = (scores.spans["lenient"][f] for f in ("age", "sex", "size"))
    assert (age.tp, age.fp, age.fn) == (1, 0, 0)
    assert scores.spans["strict"]["age"].tp == 0
    assert (sex.tp, sex.fp, sex.fn) == (0, 0, 1)
    assert (size.tp, size.fp, size.fn) == (0, 1, 1)
    assert (scores.stain.tp, scores.stain.fp, scores.stain.fn) == (0, 1, 1)
    n = scores.negation
    assert (n.tp, n.fp, n.fn) == (1, 1, 0)


@pytest.mark.parametrize(("gold_sha", "flagged"), [("0", False), ("abc", True), (None, False)])
def test_changed_source_is_flagged(gold_sha, flagged: bool) -> None:
    scores = Scores()
    score_document(gold_doc(source_sha256=gold_sha), record(), scores)
    assert (scores.changed == ["r1"]) is flagged
    assert any(e["kind"] == "sha256_mismatch" for e in scores.errors) is flagged


def test_error_rows_carry_gold_and_predicted_sections() -> None:
    pred = record(mentions=[mention("site", "lesions", {"name": "x"}, section="introduction")])
    scores = Scores()
    score_document(gold_doc(), pred, scores)
    fp = next(e for e in scores.errors if e["kind"] == "fp" and e["level"] == "mention")
    assert (fp["section"], fp["pred_section"], fp["pred_text"]) == (
        "discussion",
        "introduction",
        "lesions",
    )


@pytest.mark.parametrize(
    ("text", "marker"),
    [("CD34", "CD34"), ("CD-99,", "CD99"), ("CD10.", "CD10"), ("CD34 staining pattern", None),
     ("computed tomography", None)],
)  # fmt: skip
def test_gold_marker_accepts_cd_antigens(monkeypatch, text: str, marker) -> None:
    monkeypatch.setattr(brat, "find_marker", lambda text: None)
    assert brat.gold_marker(text) == marker


MACCROBAT = Path(__file__).resolve().parents[2] / "shared" / "maccrobat-dev"


@pytest.mark.skipif(not MACCROBAT.is_dir(), reason="MACCROBAT development set not available")
def test_maccrobat_offsets_match_text() -> None:
    docs = brat.load_brat(MACCROBAT)
    assert docs
    for doc in docs:
        for tb in doc.ann.entities.values():
            assert " ".join(doc.text[s:e] for s, e in tb.fragments) == tb.text, (doc.doc_id, tb)


ANNOTATIONS = Path(__file__).resolve().parents[1] / "annotations"


@pytest.mark.slow
@pytest.mark.skipif(not any(ANNOTATIONS.glob("*.json")), reason="no real-report gold yet")
def test_real_gold_loads_and_every_gold_report_is_scored(corpus_records) -> None:
    real = [d for d in load_gold(ANNOTATIONS) if d.group == "real"]
    scores = evaluate(real, corpus_records)["real"]
    assert scores.reports == [d.report_id for d in real]
    assert scores.missing == []


def test_gold_stains_follow_identical_spans(monkeypatch) -> None:
    monkeypatch.setattr(brat, "find_marker", lambda text: None)
    ann = brat.parse_ann(
        "T1\tDiagnostic_procedure 0 5\tC-Kit\nE1\tDiagnostic_procedure:T1 \n"
        "T2\tDiagnostic_procedure 7 12\tCD117\nE2\tDiagnostic_procedure:T2 \n"
        "T3\tLab_value 18 26\tnegative\nR1\tIDENTICAL Arg1:E2 Arg2:E1\t\n"
        "R2\tMODIFY Arg1:T3 Arg2:E1\t\n"
    )
    assert list(brat.gold_stains(ann)) == [("cd117", "negative")]


def test_evaluate_command_exit_codes_for_empty_and_invalid_gold(tmp_path: Path) -> None:
    records = write_records(tmp_path / "records.jsonl", [record()])
    (tmp_path / "empty").mkdir()
    assert evaluate_command(tmp_path / "empty", records, None, None) == 2
    bad = write_gold(tmp_path, sections=[{"label": "x", "heading": "Nope", "start": 0, "end": 4}])
    assert evaluate_command(bad, records, None, None) == 1


def test_load_gold_rejects_unknown_section_label(tmp_path: Path) -> None:
    gold_dir = write_gold(tmp_path, sections=[{"label": "intro", "start": 0, "end": 5}])
    with pytest.raises(GoldError, match="sections/0/label: unknown label 'intro'"):
        load_gold(gold_dir)


@pytest.mark.parametrize(
    ("ann_text", "lesion_sizes", "lengths"),
    [
        # a length that MODIFYs a finding measures a lesion
        ("T1\tDistance 0 4\t3 cm\nT2\tSign_symptom 5 9\tmass\nE1\tSign_symptom:T2\n"
         "R1\tMODIFY Arg1:T1 Arg2:E1\n", ["T1"], ["T1"]),
        # one that MODIFYs nothing is kept (nothing says it is not a lesion's)
        ("T1\tDistance 0 4\t3 cm\n", ["T1"], ["T1"]),
        # counter-examples: a structure, a device
        ("T1\tDistance 0 4\t3 cm\nT2\tBiological_structure 10 20\tanal verge\n"
         "R1\tMODIFY Arg1:T1 Arg2:T2\n", [], ["T1"]),
        ("T1\tDistance 0 4\t3 cm\nT2\tTherapeutic_procedure 10 20\tstent\nE1\t"
         "Therapeutic_procedure:T2\nR1\tMODIFY Arg1:T1 Arg2:E1\n", [], ["T1"]),
    ],
)  # fmt: skip
def test_brat_size_gold_is_lesion_sizes(ann_text, lesion_sizes, lengths):
    ann = brat.parse_ann(ann_text)
    assert [t.id for t in brat.gold_spans(ann, "size")] == lesion_sizes
    assert [t.id for t in brat.gold_spans(ann, "length (all)")] == lengths
