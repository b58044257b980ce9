"""Assertions: ConText cue rules (data), the assess() API, negated findings, the component."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from spacy.tokens import Doc

from extractor.assertion import assess
from extractor.assertion.core import analyze_text, negated_findings
from extractor.assertion.engine import ContextEngine, get_engine
from extractor.assertion.findings import findings_in_scope, load_vocab, split_items, tokenize
from extractor.assertion.rules import (
    CATEGORY_FIELDS,
    CONTROL_CATEGORIES,
    CONTROL_DIRECTIONS,
    RuleError,
    build_rule,
    cue_filter,
    load_rules,
    parse_example,
    parse_rules,
    rule_id,
)
from extractor.assertion.sentence import Sentence
from extractor.schema import FieldName

FLAGS = ("negated", "uncertain", "hypothetical", "historical", "family", "resolved")


def _assess_example(example: str):
    text, target = parse_example(example)
    return text, target, assess(text, [target])[0]


# sentence with one [target] | flags expected True | cue text (None: no cue)
CASES = [
    # pre-negation
    ("There was no [fever].", {"negated"}, "no"),
    ("The wound healed without [infection].", {"negated"}, "without"),
    ("She denies [headache].", {"negated"}, "denies"),
    ("She denied [dizziness] and nausea.", {"negated"}, "denied"),
    ("The ECG showed absence of [epsilon waves].", {"negated"}, "absence of"),
    ("The margins were free of [tumour].", {"negated"}, "free of"),
    ("The margins were negative for [tumour].", {"negated"}, "were negative for"),
    ("Imaging ruled out [fracture].", {"negated"}, "ruled out"),
    ("There was no evidence of [necrosis].", {"negated"}, "no evidence of"),
    ("The biopsy did not reveal [malignancy].", {"negated"}, "did not reveal"),
    ("There was no palor, icterus, oedema or [cyanosis].", {"negated"}, "no"),
    ("There was no [palor], icterus, oedema or cyanosis.", {"negated"}, "no"),
    ("There was no palor, [icterus], oedema or cyanosis.", {"negated"}, "no"),
    ("He had no history of [trauma] or other illness.", {"negated"}, "no history of"),
    ("She no longer reports [pain].", {"negated"}, "no longer"),
    ("On examination he was not [jaundiced].", {"negated"}, "was not jaundiced"),
    ("The tumour was not accompanied by [metastases].", {"negated"}, None),
    ("The patient was not [tachypnoeic].", {"negated"}, "not"),
    ("Examination showed neither murmur nor [oedema].", {"negated"}, "nor"),
    # post-negation
    (
        "[Capsular and lympho-vascular invasion] were not observed.",
        {"negated"},
        "were not observed",
    ),
    ("[Pedal pulses] were absent.", {"negated"}, "were absent"),
    ("[Mitoses] were not identified.", {"negated"}, "were not identified"),
    ("The [abdomen] was unremarkable.", {"negated"}, "was unremarkable"),
    ("[Renal function] was within normal limits.", {"negated"}, "was within normal limits"),
    ("[Calcifications] were not seen.", {"negated"}, "were not seen"),
    ("[Tuberculosis] was ruled out.", {"negated"}, "was ruled out"),
    # resolved findings existed: resolved, not negated (guideline section 9)
    ("Her [symptoms] resolved completely.", {"resolved"}, "resolved"),
    ("Steroids led to complete resolution of [symptoms].", {"resolved"}, "resolution of"),
    ("The [pain] did not resolve.", set(), None),
    ("The [pain] persisted while the rash resolved.", set(), None),  # "while" ends the scope
    ("The [pain] was partly relieved by NSAIDs.", set(), None),
    ("The [pain] was completely relieved.", {"resolved"}, "was completely relieved"),
    ("[Absence of appetite] was the first symptom.", set(), None),  # the finding's name
    ("Liver [dysfunction] did not appear.", {"negated"}, "did not appear"),
    # error classes of issue 14: list labels, cues inside a span, coordinations
    ("[Complications]: None.", {"negated"}, ": None."),
    ("Complications: None. [Fever] was present.", set(), None),
    ("Allergies: [penicillin].", set(), None),
    ("Neck supple, no [lymphadenopathy].", {"negated"}, "no"),
    ("[Neck supple, no lymphadenopathy].", set(), None),  # the head is asserted
    ("[Disc bulge without canal compromise] at L4.", set(), None),
    ("[No signs of endocarditis] were seen.", {"negated"}, "No signs of"),
    ("[Without any recurrence] over 3 years.", {"negated"}, "Without"),
    ("[Non-Hodgkin lymphoma] of the spine.", set(), None),  # a name, not a cue
    ("The scan failed to identify an apparent [source of bleeding].", {"negated"}, None),
    ("No lesion was seen as the cause of [pain].", set(), None),
    ("She tested negative to HIV and [HCV].", {"negated"}, "tested negative to"),
    ("There was no fever, meningism or [focal signs].", {"negated"}, "no"),
    ("[TPHA] not done.", {"negated"}, "not done"),
    ("[TPHA] was done.", set(), None),
    ("Abdominal [CT] could not be performed.", {"negated"}, "not be performed"),
    ("Abdominal [CT] could be performed.", set(), None),
    ("She declined endocrine [therapy].", {"negated"}, "declined"),
    ("Therapy was refused because of early menopausal [symptoms].", set(), None),
    ("The EEG did not showed [anomaly].", {"negated"}, "did not showed"),
    ("Tests for encephalitis and [ADEM] followed, which were excluded.", {"negated"}, None),
    ("[Encephalitis] was diagnosed, which was treated.", set(), None),
    ("It was performed without showing any progressive [lesions].", {"negated"}, None),
    # clause boundaries end a negation
    ("There was no other uptake, so we diagnosed [lymphoma].", set(), None),
    ("There was no uptake so far in the [lymph nodes].", {"negated"}, "no"),
    ("There was no hematuria, elevated [creatinine] and mild proteinuria.", set(), None),
    ("There was no hematuria, [proteinuria] or casts.", {"negated"}, "no"),
    ("It showed absence of flow in the right artery, a tight [stenosis] on the left.", set(), None),
    ("He needed no sedation and the episodes of [collapse] recurred.", set(), None),
    ("He needed no sedation and [analgesia].", {"negated"}, "no"),
    ("The cells were negative for CD1a, surrounded by [fibrosis].", set(), None),
    ("There was no neck rigidity, [diuresis] was preserved.", set(), None),
    ("There was no neck rigidity, [photophobia] or rash.", {"negated"}, "no"),
    ("No fever, [chills] were seen.", {"negated"}, "No"),
    ("Apart from [lymphopenia], his course was unremarkable.", set(), None),
    ("His course was unremarkable apart from [lymphopenia].", set(), None),
    ("Apart from fever, his [course] was unremarkable.", {"negated"}, "was unremarkable"),
    ("The child did not carry the mutation and had normal birth [weight].", set(), None),
    ("She had no fever and had no [cough].", {"negated"}, "no"),
    ("The mass was without breach, consistent with a [carcinoma].", set(), None),
    # the negation of a relation of X does not negate X
    ("There was no progression of the [tumour].", set(), None),
    ("There was no [progression] of the tumour.", {"negated"}, "no"),
    ("No relapse of the [tumour] was seen.", set(), None),
    ("No [relapse] of the tumour was seen.", {"negated"}, "No"),
    ("Recurrence of the [tumour] was not seen.", set(), None),
    ("[Recurrence] of the tumour was not seen.", {"negated"}, "was not seen"),
    # literature statements about reports are not negations of the finding
    ("Cord compression from [thyroid carcinoma] has not been reported so far.", set(), None),
    ("[Fever] was not reported.", {"negated"}, "was not reported"),
    ("We are aware of no prior reports of [cord metastases] from prostate cancer.", set(), None),
    ("The review did not find any published cases of [GCRO] in children.", set(), None),
    ("The biopsy did not find any [malignancy].", {"negated"}, "did not find"),
    ("He had recurrent neuroblastoma after [disease] free survival.", {"negated"}, "free"),
    ("He had recurrent [neuroblastoma] after disease free survival.", set(), None),
    ("He was no longer ambulatory, had lower extremity [numbness].", set(), None),
    ("He was no longer ambulatory, had no [numbness].", {"negated"}, "no"),
    ("He had no fever, with bilateral [oedema].", set(), None),
    ("Excluding the sacral region, [teratomas] are rare.", set(), None),
    ("The scan excluded [teratoma].", {"negated"}, "excluded"),
    ("She needed no transfusion, unlike [thalassemia major].", set(), None),
    (
        "The mass was initially misdiagnosed as spinal [tuberculosis].",
        {"negated"},
        "misdiagnosed as",
    ),
    (
        "The surgical findings were inconsistent with [tuberculosis].",
        {"negated"},
        "inconsistent with",
    ),
    ("The findings were compatible with [tuberculosis].", set(), None),
    ("There was an absence of risk factors for [coronary disease].", set(), None),
    ("There was an absence of [risk factors for coronary disease].", {"negated"}, None),
    # pseudo-triggers: no negation
    ("The tumour caused not only [pain] but also weakness.", set(), None),
    ("There was no increase in the size of the [mass].", set(), None),
    ("There was no change in the [lesion].", set(), None),
    ("Cultures grew gram-negative [bacilli].", set(), None),
    ("No further [surgery] was needed.", {"negated"}, "No"),
    ("She had no further [hematemesis] or melena.", {"negated"}, "no"),
    ("She had no further hematemesis or [melena].", {"negated"}, "no"),
    ("This is not necessarily [malignant].", set(), None),
    ("There was no improvement in his [anaemia].", set(), None),
    ("There was no remarkable response regarding hearing [loss].", set(), None),
    ("There was no evident change in the grading of [fibrosis].", set(), None),
    ("The tissue showed no remarkable [change].", {"negated"}, "no"),
    ("She could not tolerate the [gastrointestinal disturbances].", set(), None),
    ("The patient was lost to follow-up after [surgery].", set(), None),
    ("A man with no significant past medical history presented with [hemiparesis].", set(), None),
    # not ruled out: uncertain, not negated
    ("[Metastasis] was not ruled out.", {"uncertain"}, "was not ruled out"),
    ("[Malignancy] cannot be excluded.", {"uncertain"}, "cannot be excluded"),
    # terminators
    ("There was no fever but [cough] was present.", set(), None),
    ("No fever; [cough] persisted.", set(), None),
    ("No symptoms, however [weakness] developed.", set(), None),
    ("No lesion was seen, although [oedema] was noted.", set(), None),
    ("No symptoms except [headache] were reported.", set(), None),
    ("There was no mass which compressed the [cord].", set(), None),
    ("No murmur was heard and [crackles] were present.", set(), None),
    # uncertainty
    ("MRI showed a ?[schwannoma].", {"uncertain"}, "?"),
    ("A suspected [schwannoma] was resected.", {"uncertain"}, "suspected"),
    ("The findings indicated a possible [meningioma].", {"uncertain"}, "possible"),
    ("The lesion was a probable [neurofibroma].", {"uncertain"}, "probable"),
    ("The MRI was suggestive of [schwannoma].", {"uncertain"}, "suggestive of"),
    ("The MRI suggested a [neurofibroma].", {"uncertain"}, "suggested"),
    ("The differential diagnosis included [meningioma].", {"uncertain"}, None),
    ("The lesion was mimicking a [schwannoma].", {"uncertain"}, "mimicking"),
    ("A biopsy was performed to rule out [malignancy].", {"uncertain"}, "to rule out"),
    ("[Schwannoma] was suspected.", {"uncertain"}, "was suspected"),
    ("She was suspected of having [JLNS].", {"uncertain"}, "was suspected of having"),
    ("[Syncope] occurred and she was suspected of having JLNS.", set(), None),
    (
        "The scan showed oedema without being able to reach a diagnosis of [osteitis].",
        {"uncertain"},
        "without being able to reach",
    ),
    ("The scan was able to reach a diagnosis of [osteitis].", set(), None),
    ("[Recurrence] could not be assessed.", {"uncertain"}, "could not be assessed"),
    ("[Recurrence] was assessed by MRI.", set(), None),
    ("The [diagnosis] could not be confirmed.", {"uncertain"}, "could not be confirmed"),
    ("He was given rest instead of [surgery].", {"negated"}, "instead of"),
    ("A [schwannoma] rather than meningioma was diagnosed.", set(), None),
    ("The lesions were similar to hepatic [abscesses].", {"uncertain"}, "similar to"),
    ("Similar [lesions] were also seen in the maxilla.", set(), None),
    ("The appearance was probably due to a [craniopharyngioma].", {"uncertain"}, "probably"),
    ("There was no weakness due to [compression].", set(), None),  # "due to" ends negation
    ("The findings were consistent with [schwannoma].", set(), None),  # guideline 9
    # hypothetical
    ("Surgery is indicated if [weakness] develops.", {"hypothetical"}, "if"),
    ("[Schwannoma] should be considered in this setting.", {"hypothetical"}, None),
    ("Reoperation is advised in case of [recurrence].", {"hypothetical"}, "in case of"),
    # historical
    ("She had a history of [breast cancer].", {"historical"}, "history of"),
    ("He had previously undergone [laminectomy].", {"historical"}, "previously"),
    ("A [schwannoma] had been resected 8 years earlier.", {"historical"}, "8 years earlier"),
    ("He was a known case of [tuberculosis].", {"historical"}, "known case of"),
    (
        "Thirty years ago, he was diagnosed with rectal [hemangioma].",
        {"historical"},
        "Thirty years ago",
    ),
    ("The pain began 2 years ago and a [mass] was found.", set(), None),
    # family
    ("Her mother had [breast cancer].", {"family"}, "mother"),
    ("His father died of [lung cancer].", {"family"}, "father"),
    ("There was a family history of [neurofibromatosis].", {"family"}, "family history of"),
    ("There was no family history of [neurofibromatosis].", {"negated"}, "no family history of"),
    ("The patient had no history of [neurofibromatosis].", {"negated"}, "no history of"),
    # counter-examples: plain affirmed mentions
    ("MRI showed a [schwannoma] at L4.", set(), None),
    ("The patient presented with [back pain] and no fever.", set(), None),
    ("Histology showed a [neurofibroma].", set(), None),
    ("The [tumour] was excised completely.", set(), None),
]


@pytest.mark.parametrize(("example", "flags", "cue"), CASES)
def test_assertion_table(example: str, flags: set[str], cue: str | None) -> None:
    text, _target, assertion = _assess_example(example)
    assert {f for f in FLAGS if getattr(assertion, f)} == flags
    if not flags:
        assert assertion.cue is None
    elif cue is not None:
        assert assertion.cue is not None
        assert assertion.cue.text == cue
        assert text[assertion.cue.start : assertion.cue.end] == cue


RULES = load_rules().rules


@pytest.mark.parametrize("rule", RULES, ids=[rule_id(r) for r in RULES])
def test_every_rule_example_fires_its_rule(rule) -> None:  # noqa: ANN001 - ConTextRule
    text, target = parse_example(rule.metadata["example"])
    result = get_engine().analyze(text, [target])
    assert rule_id(rule) in {c.rule for c in result.cues}, "the rule does not match its example"
    modifying = {c.rule for c in result.target_cues[0]}
    if rule.category in CONTROL_CATEGORIES:
        assert rule_id(rule) not in modifying
    else:
        assert rule_id(rule) in modifying, "the rule matches but does not assert the target"
        field = CATEGORY_FIELDS[rule.category]
        assert getattr(assess(text, [target])[0], field)


# ---------------------------------------------------------------- rule file validation

GOOD_RULE = {
    "id": "x",
    "literal": "no",
    "category": "NEGATED_EXISTENCE",
    "direction": "FORWARD",
    "example": "no [fever]",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, "allowed keys"),
        ({"example": "no fever"}, "exactly one [bracketed] target"),
        ({"category": "MAYBE"}, "unknown category"),
        ({"direction": "SIDEWAYS"}, "Direction"),
        ({"max_scope": 0}, "max_scope"),
        ({"pattern": [{"LOWER": "no"}, {"IS_STOP": True}]}, "['IS_STOP']"),
    ],
)
def test_bad_rule_fails_naming_file_and_rule(change: dict, message: str) -> None:
    data = {"context_rules": [{**GOOD_RULE, **change}]}
    with pytest.raises(RuleError, match="rules.json: rule #0 \\(x\\)") as err:
        parse_rules(data, "rules.json")
    assert message in str(err.value)


@pytest.mark.parametrize("missing", ["id", "literal", "example"])
def test_rule_missing_key_fails(missing: str) -> None:
    rule = {k: v for k, v in GOOD_RULE.items() if k != missing}
    with pytest.raises(RuleError, match="missing key"):
        parse_rules({"context_rules": [rule]}, "rules.json")


@pytest.mark.parametrize("data", [{"context_rules": [GOOD_RULE, GOOD_RULE]}])
def test_duplicate_rule_id_fails(data: dict) -> None:
    with pytest.raises(RuleError, match="duplicate id"):
        parse_rules(data, "rules.json")


@pytest.mark.parametrize("data", [{"context_rules": [], "extra": 1}, {"rules": []}])
def test_bad_rule_file_shape_fails(data: dict) -> None:
    with pytest.raises(RuleError, match="rules.json"):
        parse_rules(data, "rules.json")


# ---------------------------------------------------------------- prefilter

# sentence | may a cue that can modify a target match it (else ConText is skipped)
PREFILTER_CASES = [
    ("There was no fever.", True),
    ("NO FEVER.", True),
    ("Fever was absent", True),  # the cue is the last word
    ("Fever resolved", True),  # a one-word cue, last
    ("Cannot exclude lymphoma", True),  # "Cannot" is tokenized "Can" "not"
    ("History of asthma", True),
    ("Her mother had asthma", True),
    ("Gram-negative rods were cultured.", True),  # "-" "negative" could be a cue
    ("The lesion was not only painful but also large.", True),  # "not" alone is a cue
    ("The tumour was excised completely.", False),  # "was": a negation terminator only
    ("Pain improved but fever persisted.", False),  # a terminator only
    ("Cells that are large were seen.", False),  # a pseudo-trigger only
    ("The biopsy showed carcinoma.", False),
    ("Diagnosis: schwannoma; grade I.", False),
    ("Nodes were normal.", False),  # "no" inside a word is no token
    ("Knowledge of the anatomy is essential.", False),
    ("Schwannoma, grade I.", False),  # no cue at all
]


@pytest.mark.parametrize(("sentence", "analysed"), PREFILTER_CASES)
def test_prefilter_table(sentence: str, analysed: bool) -> None:
    engine = get_engine()
    words = [t.lower_ for t in engine.nlp.tokenizer(sentence)]
    assert engine.cue_filter.may_match(words) is analysed
    full = engine.analyze(sentence, [(0, 4)])
    if not analysed:  # skipping is safe: ConText finds only control cues there
        assert {c.direction for c in full.cues} <= CONTROL_DIRECTIONS
        assert full.target_cues == [[]]


def test_asserting_only_skips_context(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = get_engine()
    real, ran = engine._sentence_graph, []

    def graph(sentence: Sentence, *args: object) -> object:
        ran.append(sentence.text)
        return real(sentence, *args)

    monkeypatch.setattr(engine, "_sentence_graph", graph)
    for sentence, _ in PREFILTER_CASES:
        engine.analyze(sentence, [(0, 4)], asserting_only=True)
    # a target overlapping a control cue is run once more alone (Engine._solo)
    assert list(dict.fromkeys(ran)) == [s for s, analysed in PREFILTER_CASES if analysed]


_SENTENCES = [parse_example(example)[0] for example, _flags, *_ in CASES] + [
    s for s, _ in PREFILTER_CASES
]


@pytest.mark.parametrize("sentence", _SENTENCES)
def test_asserting_only_drops_control_cues_and_nothing_else(sentence: str) -> None:
    engine = get_engine()
    targets = [(i, i + 3) for i in range(0, len(sentence) - 3, 7)]
    full = engine.analyze(sentence, targets)
    fast = engine.analyze(sentence, targets, asserting_only=True)
    assert fast.target_cues == full.target_cues
    assert fast.cues == [c for c in full.cues if c.direction not in CONTROL_DIRECTIONS]


_MATCHER_SENTENCES = [
    *_SENTENCES,
    *(parse_example(rule.metadata["example"])[0] for rule in RULES),
    "Metastases were excluded.",  # two token patterns match "were excluded"
    "The prior history of asthma; no change, not only if whether...",
]


@pytest.mark.parametrize("sentence", _MATCHER_SENTENCES)
def test_prefiltered_matcher_finds_what_medspacy_finds(sentence: str) -> None:
    engine = get_engine()
    doc = engine.nlp.tokenizer(sentence)
    assert not engine.matcher.always_full
    assert engine.matcher(doc) == engine.matcher.run_all(doc)


def test_prefiltered_matcher_rules_by_match_key() -> None:
    """The rule of a match is read by its key's string id: the rule of that key."""
    engine = get_engine()
    by_key = engine.matcher.by_key
    assert len(by_key) == len(engine.matcher.rule_map)
    for key, rule in engine.matcher.rule_map.items():
        assert by_key[engine.nlp.vocab.strings[key]] is rule
    doc = engine.nlp.tokenizer("No fever, possible pneumonia.")
    matches = engine.matcher(doc)
    assert len(matches) == 2
    assert all(by_key[k] is engine.matcher.rule_map[doc.vocab[k].text] for k, _, _ in matches)


def test_prefiltered_matcher_takes_the_full_order_on_a_tie(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prefiltered = get_engine().matcher
    run_in_order, calls = prefiltered.run_in_order, []
    monkeypatch.setattr(
        prefiltered,
        "run_in_order",
        lambda doc, matched, targets=None, others=(): (
            calls.append((doc.text, len(matched), len(others)))
            or run_in_order(doc, matched, targets, others)
        ),
    )
    for sentence in ("Metastases were excluded.", "Metastases were absent."):
        doc = get_engine().nlp.tokenizer(sentence)
        assert prefiltered(doc) == prefiltered.run_all(doc)
    # two patterns match "were excluded": those two go through spaCy's Matcher, not all
    # of them, the matches of the 2 other patterns with a match in the sentence as found
    assert calls == [("Metastases were excluded.", 2, 2)]
    assert len(prefiltered.token_matchers) > 100


def test_prefiltered_matcher_defers_regex_rules() -> None:
    rules = [
        {**GOOD_RULE, "id": "regex", "pattern": "no[a-z]*"},
        {**GOOD_RULE, "id": "tokens", "pattern": [{"LOWER": "fever"}]},
    ]
    engine = ContextEngine(parse_rules({"context_rules": rules}, "rules.json"))
    assert engine.matcher.always_full
    result = engine.analyze("Nonspecific fever, no rash.", [(22, 26)], asserting_only=True)
    assert [c.text for c in result.cues] == ["Nonspecific", "fever", "no"]
    assert [c.text for c in result.target_cues[0]] == ["no"]


def _rule(pattern: object, direction: str = "FORWARD", literal: str = "x") -> dict:
    return {**GOOD_RULE, "literal": literal, "pattern": pattern, "direction": direction}


@pytest.mark.parametrize(
    ("rule", "requirement"),
    [
        (_rule(None, literal="No Evidence of"), ({"no"}, {"evidence"}, {"of"})),
        (_rule([{"LOWER": {"IN": ["was", "were"]}}, {"LOWER": "not"}]), ({"was", "were"}, {"not"})),
        (_rule([{"LOWER": "was", "OP": "?"}, {"LOWER": "seen", "OP": "+"}]), ({"seen"},)),
        (_rule([{"ORTH": "Neg"}, {"LOWER": "x", "OP": "*"}]), ({"neg"},)),
        (_rule([{"LOWER": {"REGEX": "^no"}}, {"LOWER": "x", "OP": "!"}]), ()),
        (_rule([{"ORTH": "-"}, {"LOWER": {"IN": ["a", "b"]}, "ORTH": "a"}]), ({"-"}, {"a"})),
    ],
)
def test_cue_filter_requirements(rule: dict, requirement: tuple[set[str], ...]) -> None:
    control = build_rule(_rule([{"LOWER": "but"}], direction="TERMINATE"))
    found = cue_filter([build_rule(rule), control], str.split)
    assert found.requirements == (tuple(frozenset(words) for words in requirement),)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["was", "seen"], False),
        (["was", "not"], True),
        (["not", "were"], True),
        (["not"], False),
        (["but"], False),  # the terminator's word never lets ConText run
        ([], False),
    ],
)
def test_cue_filter_needs_every_required_word(words: list[str], expected: bool) -> None:
    rules = [
        build_rule(_rule([{"LOWER": {"IN": ["was", "were"]}}, {"LOWER": "not"}])),
        build_rule(_rule([{"LOWER": "but"}], direction="TERMINATE")),
    ]
    assert cue_filter(rules, str.split).may_match(words) is expected


@pytest.mark.parametrize(
    "rules",
    [
        [_rule("no[a-z]+")],  # a regular expression: any text may match
        [_rule([{"LOWER": {"REGEX": "^no"}}])],  # no word is required
    ],
)
def test_cue_filter_cannot_skip_unbounded_rules(rules: list[dict]) -> None:
    found = cue_filter([build_rule(r) for r in rules], str.split)
    assert found.may_match([]) and found.may_match(["anything"])


# ---------------------------------------------------------------- assess() API


@pytest.mark.parametrize(
    ("text", "target", "negated", "cue"),
    [
        ("Pt  had no\n fever,   but a\nsuspected schwannoma.", "fever", True, "no"),
        ("Pt  had no\n fever,   but a\nsuspected schwannoma.", "schwannoma", False, "suspected"),
        ("MRI:\n\nno   signs\tof cord\u00a0compression.", "cord\u00a0compression", True, None),
        ("Mitoses were\n  not   observed.", "Mitoses", True, "were\n  not   observed"),
        ("The mass was\n   non-tender.", "tender", True, "non-"),
    ],
)
def test_assess_returns_cues_in_original_offsets(
    text: str, target: str, negated: bool, cue: str | None
) -> None:
    start = text.index(target)
    [assertion] = assess(text, [(start, start + len(target))])
    assert assertion.negated is negated
    assert assertion.cue is not None
    assert text[assertion.cue.start : assertion.cue.end] == assertion.cue.text
    if cue is not None:
        assert assertion.cue.text == cue


@pytest.mark.parametrize(
    "text",
    ["No fever. Cough was present.\nNo oedema.", "There was no fever; cough persisted."],
)
def test_assess_keeps_input_order_and_sentence_scope(text: str) -> None:
    words = ["oedema", "fever", "Cough"] if "oedema" in text else ["cough", "fever"]
    spans = [(text.index(w), text.index(w) + len(w)) for w in words]
    result = assess(text, spans)
    assert [a.negated for a in result] == [w != w.capitalize() and w != "cough" for w in words]


@pytest.mark.parametrize("spans", [[], [(0, 0)], [(3, 5), (3, 5)]])
def test_assess_edge_spans(spans: list[tuple[int, int]]) -> None:
    result = assess("No fever at all.", spans)
    assert len(result) == len(spans)
    if spans and spans[0] == (3, 5):
        assert result[0] == result[1]


@pytest.mark.parametrize("junk", ["no " * 30_000, "(" * 50_000 + "x" * 50_000])
def test_assess_is_linear_on_pathological_text(junk: str) -> None:
    text = junk + " fever."
    start = text.index("fever")
    [assertion] = assess(text, [(start, start + 5)])  # speed: benchmarks/, not a test
    assert assertion.negated is junk.startswith("no")


# ---------------------------------------------------------------- negated findings


def _findings(sentence: str) -> list[str]:
    result = analyze_text(sentence, [], all_sentences=True)
    return [text for text, _s, _e in negated_findings(sentence, result.cues)]


FINDING_EXAMPLES = [
    (ex["sentence"], ex["findings"])
    for ex in json.loads(
        resources.files("extractor.assertion").joinpath("rules/findings.json").read_text()
    )["examples"]
]


@pytest.mark.parametrize(("sentence", "expected"), FINDING_EXAMPLES)
def test_findings_vocabulary_examples(sentence: str, expected: list[str]) -> None:
    assert _findings(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("MRI showed a schwannoma at L4.", []),
        ("There was no fever but cough was present.", ["fever"]),
        ("The tumour caused not only pain but also weakness.", []),
        ("No mitoses were seen in the specimen.", ["mitoses"]),
        ("Mitoses and necrosis were not identified.", ["mitoses and necrosis"]),
        # a relation shield ends the scope for targets but not for the finding phrase
        (
            "MRI showed no recurrence of the intracranial tumour.",
            ["recurrence of the intracranial tumour"],
        ),
        ("Recurrence of the tumour was not seen.", ["recurrence of the tumour"]),
        ("There was no fever, and the oedema resolved.", ["fever"]),  # resolved: not negated
    ],
)
def test_negated_findings(sentence: str, expected: list[str]) -> None:
    assert _findings(sentence) == expected


@pytest.mark.parametrize(
    ("scope", "forward", "expected"),
    [
        ("palor, icterus, oedema or cyanosis", True, ["palor", "icterus", "oedema", "cyanosis"]),
        ("fever, chills and night sweats", True, ["fever", "chills", "night sweats"]),
        ("capsular and vascular invasion", True, ["capsular and vascular invasion"]),
        ("any necrosis was seen in the tumour", True, ["necrosis"]),
        ("In the specimen, mitoses", False, ["mitoses"]),
        ("a b c d e f g h", True, []),
    ],
)
def test_findings_in_scope(scope: str, forward: bool, expected: list[str]) -> None:
    assert [f[0] for f in findings_in_scope(scope, 0, len(scope), forward)] == expected


@pytest.mark.parametrize("text", ["fever, cough", "fever or cough"])
def test_split_items_keeps_offsets(text: str) -> None:
    items = split_items(tokenize(text), load_vocab())
    assert [text[i[0][1] : i[-1][2]] for i in items] == ["fever", "cough"]


# ---------------------------------------------------------------- component


def _doc_with_candidates(nlp, text: str, targets: list[tuple[str, frozenset[str]]]) -> Doc:  # noqa: ANN001
    from extractor.fields.base import Candidate

    doc = nlp.make_doc(text)
    doc._.candidates = [
        Candidate(
            field=FieldName.STAIN,
            start=text.index(word),
            end=text.index(word) + len(word),
            value={},
            rule="test",
            exempt=exempt,
        )
        for word, exempt in targets
    ]
    return doc


@pytest.mark.parametrize(
    ("text", "targets", "negated", "findings"),
    [
        (
            "Tumour cells were negative for CD34. There was no necrosis or mitoses.",
            [("CD34", frozenset({"negated"})), ("necrosis", frozenset())],
            [False, True],
            ["necrosis", "mitoses"],
        ),
        (
            "No fever. The tumour was S100 positive and negative for SOX10.",
            [("S100", frozenset()), ("SOX10", frozenset({"negated"}))],
            [False, False],
            ["fever"],
        ),
    ],
)
def test_component_honours_exempt_and_collects_findings(
    nlp,  # noqa: ANN001 - session fixture from conftest
    text: str,
    targets: list,
    negated: list[bool],
    findings: list[str],
) -> None:
    doc = nlp.get_pipe("case_assertions")(_doc_with_candidates(nlp, text, targets))
    assert [c.assertion.negated for c in doc._.candidates] == negated
    assert [f[0] for f in doc._.negated_findings] == findings
    for finding, start, end in doc._.negated_findings:
        assert doc.text[start:end].lower() == finding


def test_pipeline_shares_the_engine_vocab(nlp) -> None:  # noqa: ANN001 - session fixture
    text = "Zqxv-lesions were not identified."
    doc = nlp.make_doc(text)
    assert nlp.vocab is get_engine().nlp.vocab
    assert [t.text for t in doc] == [t.text for t in get_engine().nlp.tokenizer(text)]


def _key(rule_key: str) -> int:
    return get_engine().nlp.vocab.strings.add(rule_key)


def _anchored_key(anchor: str) -> str:
    rules = get_engine().matcher.rule_map
    return next(k for k, r in rules.items() if (r.metadata or {}).get("anchor") == anchor)


def _plain_keys() -> list[str]:
    rules = get_engine().matcher.rule_map
    return [k for k, r in rules.items() if r.pattern is not None and not r.metadata.get("anchor")]


@pytest.mark.parametrize(
    ("spans", "tied"),
    [
        ([("plain0", 2, 3), ("plain1", 2, 3), ("plain2", 4, 6)], {"plain0", "plain1"}),
        # cut to its first token, the anchored match has the other's span
        ([("first", 2, 4), ("plain0", 2, 3)], {"first", "plain0"}),
        ([("last", 2, 4), ("plain0", 3, 4), ("plain1", 2, 3)], {"last", "plain0"}),
        # counter-examples: overlapping matches with different spans are not tied
        ([("first", 2, 4), ("plain0", 3, 4)], set()),
        ([("plain0", 2, 3), ("plain1", 2, 4)], set()),
    ],
)
def test_tied_patterns(spans: list[tuple[str, int, int]], tied: set[str]) -> None:
    """The patterns whose order decides which match pruning keeps: those with a match
    whose span, as matched or cut to its anchor, is another pattern's match's."""
    plain = _plain_keys()
    names = {"first": _anchored_key("first"), "last": _anchored_key("last")}
    names |= {f"plain{i}": key for i, key in enumerate(plain[:3])}
    matches = [(_key(names[name]), start, end) for name, start, end in spans]
    assert get_engine().matcher._tied(matches) == {_key(names[name]) for name in tied}
