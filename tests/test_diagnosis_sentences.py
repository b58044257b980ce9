"""The diagnosis field's per-sentence work: the patient-reference search runs only where
:func:`resolve_role` reads it, and the sentences come from the doc's cached bounds."""

from __future__ import annotations

import pytest
import spacy

from extractor.fields import diagnosis
from extractor.fields.diagnosis import _reads_patient_reference, _sentence_roles, config
from extractor.fields.diagnosis_match import DxMatch
from extractor.fields.scope import doc_sentences, sentence_bounds
from extractor.fields.vocabulary import VocabEntry
from extractor.sections import SectionSpan

LIPOMA = VocabEntry("lipoma", ("lipoma",), (), {"icdo3": "8850/0", "category": "neoplasm"})


@pytest.mark.parametrize(
    ("label", "reads"),
    [
        ("discussion", True),
        ("introduction", True),
        ("abstract", False),
        ("case_presentation", False),
        ("references", False),
        ("front_matter", False),
        (None, False),
    ],
)
def test_patient_reference_is_read_only_in_literature(label: str | None, reads: bool) -> None:
    section = SectionSpan(label, label.title(), 0, 100) if label else None
    assert _reads_patient_reference(section) is reads


class _CountedSearch:
    """PATIENT_REFERENCE_RE with its searches counted."""

    def __init__(self, regex) -> None:  # noqa: ANN001 - a compiled pattern
        self.regex, self.calls = regex, 0

    def search(self, text: str):  # noqa: ANN201
        self.calls += 1
        return self.regex.search(text)


@pytest.mark.parametrize(
    ("label", "text", "role", "searches"),
    [
        # the counter-example: in a literature section the search decides the role
        ("discussion", "Histopathology of our patient confirmed a lipoma.", "final", 1),
        ("discussion", "Histopathology confirmed a lipoma in 35 published cases.", "other", 1),
        # elsewhere the answer is not read, so the search does not run
        ("case_presentation", "Histopathology confirmed a lipoma.", "final", 0),
        ("abstract", "Histopathology of our patient confirmed a lipoma.", "final", 0),
        ("abstract", "In our patient, a lipoma was found at L2.", "other", 0),
    ],
)
def test_patient_reference_search_runs_where_it_is_read(
    monkeypatch: pytest.MonkeyPatch, label: str, text: str, role: str, searches: int
) -> None:
    counted = _CountedSearch(diagnosis.PATIENT_REFERENCE_RE)
    monkeypatch.setattr(diagnosis, "PATIENT_REFERENCE_RE", counted)
    at = text.index("lipoma")
    match = DxMatch(at, at + len("lipoma"), LIPOMA, "synonym")
    sections = [SectionSpan(label, label.title(), 0, len(text))]
    out = _sentence_roles(text, 0, len(text), [match], config(), sections)
    assert [r.role for _m, r in out] == [role]
    assert counted.calls == searches


@pytest.mark.parametrize(
    ("text", "sentencizer"),
    [
        ("A lipoma. It was at L2.\n\nNo recurrence.", True),
        ("One sentence only", True),
        ("A lipoma. It was at L2.", False),  # no sentence starts: the whole text
    ],
)
def test_doc_sentences_are_the_cached_sentence_bounds(text: str, sentencizer: bool) -> None:
    nlp = spacy.blank("en")
    if sentencizer:
        nlp.add_pipe("sentencizer")
    doc = nlp(text)
    expected = [(s.start_char, s.end_char) for s in doc.sents] if sentencizer else [(0, len(text))]
    assert doc_sentences(doc) == expected
    assert doc_sentences(doc) is doc_sentences(doc)  # computed once per doc
    assert sentence_bounds(doc, expected[-1][0]) == expected[-1]


def _rule(rule_id: str):  # noqa: ANN202 - a Rule of the diagnosis rule file
    return next(r for r in config().role_rules if r.id == rule_id)


MARKED_AFTER = [
    # the counter-examples: the cue follows the mention within its window
    "[Lipoma] is a very rare condition.",
    "A clinical diagnosis of [lipoma] was made.",
    "The [lipoma] was histologically confirmed.",
    "[Lipoma]  can recur.",
    # the cue is there, but too far after the mention to apply: the scan is skipped
    "A [lipoma] was excised and the wound is healing.",
    "The [lipoma], which was excised, is benign.",
    "[Lipoma] and [myoma] were found; surgery was made easy.",
    "No cue at all follows this [lipoma].",
]


def _spans(marked: str) -> tuple[str, list[tuple[int, int]]]:
    text, spans = "", []
    for part in marked.split("["):
        if "]" in part:
            name, rest = part.split("]", 1)
            spans.append((len(text), len(text) + len(name)))
            text += name + rest
        else:
            text += part
    return text, spans


@pytest.mark.parametrize("marked", MARKED_AFTER)
def test_after_cue_probe_gives_the_roles_of_the_full_scan(
    monkeypatch: pytest.MonkeyPatch, marked: str
) -> None:
    """Skipping the scan of a short-window "after" cue where the pattern matches at no
    position it could apply from changes no role: the same roles as scanning always."""
    from extractor.fields import diagnosis_roles

    text, spans = _spans(marked)
    probed = diagnosis_roles.classify_sentence(text, spans)
    monkeypatch.setattr(diagnosis_roles, "PROBE_WINDOW", -1)  # every rule scanned
    assert probed == diagnosis_roles.classify_sentence(text, spans)


@pytest.mark.parametrize(
    ("marked", "rule_id", "may"),
    [
        ("[Lipoma] is a very rare condition.", "dx.general_statement", True),
        ("[Lipoma]  can recur.", "dx.general_statement", True),  # gap 2: inside the window
        ("[Lipoma]   can recur.", "dx.general_statement", False),  # gap 3: outside
        ("A [lipoma] was excised and the wound is healing.", "dx.general_statement", False),
        ("A clinical diagnosis of [lipoma] was made.", "dx.diagnosis_made", True),
        ("A [lipoma] was excised; the diagnosis was made.", "dx.diagnosis_made", False),
        # not probed: a "before" cue, and an "after" cue with a wide window
        ("A [lipoma] was excised and the wound is healing.", "dx.revealed", True),
        ("A [lipoma] was excised.", "dx.suspected_after", True),
    ],
)
def test_after_cue_probe(marked: str, rule_id: str, may: bool) -> None:
    from extractor.fields.diagnosis_roles import _may_cue_after

    text, spans = _spans(marked)
    assert _may_cue_after(text, _rule(rule_id), spans) is may


MYOMA = VocabEntry("myoma", ("myoma",), (), {"icdo3": "8890/0", "category": "neoplasm"})


def _count_classify(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sentences ``classify_sentence`` is called on from now on."""
    calls: list[str] = []
    real = diagnosis.classify_sentence

    def counted(text: str, spans: list, cfg: object):  # noqa: ANN202
        calls.append(text)
        return real(text, spans, cfg)

    monkeypatch.setattr(diagnosis, "classify_sentence", counted)
    return calls


def _lipoma_and_myoma(
    text: str, labels: tuple[str, str], cut: int
) -> tuple[list[SectionSpan], list[DxMatch]]:
    """Two sections of ``text`` split at ``cut`` and its "lipoma" and "myoma" matches."""
    sections = [
        SectionSpan(labels[0], labels[0].title(), 0, cut),
        SectionSpan(labels[1], labels[1].title(), cut, len(text)),
    ]
    a, b = text.index("lipoma"), text.index("myoma")
    return sections, [DxMatch(a, a + 6, LIPOMA, "synonym"), DxMatch(b, b + 5, MYOMA, "synonym")]


@pytest.mark.parametrize(
    ("labels", "roles", "classified"),
    [
        # every mention in other articles or non-content sections: nothing to classify
        (("references", "references"), [], 0),
        (("web_chrome", "declarations"), [], 0),
        # the counter-examples: one mention where a role is read, or in the title block
        (("references", "case_presentation"), ["final"], 1),
        (("case_presentation", "case_presentation"), ["final", "final"], 1),
        (("front_matter", "references"), ["final"], 1),
    ],
)
def test_sentence_without_a_kept_mention_is_not_classified(
    monkeypatch: pytest.MonkeyPatch, labels: tuple[str, str], roles: list[str], classified: int
) -> None:
    calls = _count_classify(monkeypatch)
    text = "A lipoma and a myoma."
    sections, inside = _lipoma_and_myoma(text, labels, text.index(" and"))
    out = _sentence_roles(text, 0, len(text), inside, config(), sections)
    assert [r.role for _m, r in out] == roles
    assert len(calls) == classified


@pytest.mark.parametrize(
    ("labels", "text", "roles", "classified"),
    [
        # literature sentences not about the patient: "other" whatever the cues
        (("discussion", "discussion"), "A lipoma was confirmed, a myoma suspected.", 2, 0),
        (("introduction", "references"), "A lipoma was confirmed, a myoma suspected.", 1, 0),
        # the counter-examples: about the patient, or a mention outside the literature
        (("discussion", "discussion"), "Our patient had a lipoma, a myoma suspected.", 2, 1),
        (("discussion", "case_presentation"), "A lipoma was confirmed, a myoma suspected.", 2, 1),
        (("abstract", "discussion"), "A lipoma was confirmed, a myoma suspected.", 2, 1),
    ],
)
def test_literature_sentence_not_about_the_patient_is_not_classified(
    monkeypatch: pytest.MonkeyPatch, labels: tuple[str, str], text: str, roles: int, classified: int
) -> None:
    """resolve_role gives such mentions the literature role without reading a cue: the
    same roles as classifying the sentence first."""
    sections, inside = _lipoma_and_myoma(text, labels, text.index(","))
    spans = [(m.start, m.end) for m in inside]
    expected = [
        (m, r)
        for m, role, section in zip(
            inside, diagnosis.classify_sentence(text, spans, config()), sections, strict=True
        )
        if (r := diagnosis.resolve_role(role, m.entry, section, config(), _about(text))) is not None
    ]
    calls = _count_classify(monkeypatch)
    out = _sentence_roles(text, 0, len(text), inside, config(), sections)
    assert out == expected and len(out) == roles
    assert len(calls) == classified


def _about(text: str) -> bool:
    return bool(diagnosis.PATIENT_REFERENCE_RE.search(text))
