"""The literal gates of the diagnosis cue rules are looked up once per rule tuple, not
built again for every sentence (count-based, no timing)."""

from __future__ import annotations

import pytest

from extractor.fields import diagnosis_roles
from extractor.fields.diagnosis_roles import classify_sentence, config, rules_gate
from extractor.regex_literals import gate_of

SENTENCES = [
    ("Biopsy revealed a giant cell tumour of bone.", "giant cell tumour of bone"),
    ("MRI was consistent with a schwannoma.", "schwannoma"),
    ("The differential diagnosis included chordoma.", "chordoma"),
]


def test_gate_is_the_cached_gate_of_the_patterns() -> None:
    rules = config().role_rules
    assert rules_gate(rules) is gate_of(tuple(r.regex for r in rules))


def test_gates_built_once_for_all_sentences(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = config()
    spans = [[(t.index(n), t.index(n) + len(n))] for t, n in SENTENCES]
    expected = [classify_sentence(t, s, cfg) for (t, _n), s in zip(SENTENCES, spans, strict=True)]
    calls: list[int] = []

    def counted(regexes: tuple) -> object:
        calls.append(len(regexes))
        return gate_of(regexes)

    monkeypatch.setattr(diagnosis_roles, "gate_of", counted)
    monkeypatch.setattr(diagnosis_roles, "_GATES", {})
    pairs = zip(SENTENCES * 5, spans * 5, strict=True)
    got = [classify_sentence(t, s, cfg) for (t, _n), s in pairs]
    assert got == expected * 5
    assert sorted(calls) == sorted([len(cfg.role_rules), len(cfg.basis_rules)])
