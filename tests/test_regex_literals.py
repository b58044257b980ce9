"""Required literals of a regex and the gate built on them (extractor.regex_literals)."""

from __future__ import annotations

import random
import re

import pytest

from extractor.fields import diagnosis_roles
from extractor.fields.diagnosis_roles import classify_sentence, config
from extractor.regex_literals import LiteralGate, required_literals


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\bdiagnosed\s+with\b", re.I, {"diagnosed"}),
        (r"\b(?:is|are|has\s+been)\b", re.I, {"is", "are", "been"}),
        (r"(?:Mother|father)s?\s+had", 0, {"mother", "father"}),
        # the parser factors a common prefix ("co") out of the branches
        (r"consistent\s+with|compatible\s+with", re.I, {"nsistent", "mpatible"}),
        (r"(?:suggest(?:ive|ed)?|suspect)", re.I, {"ggest", "spect"}),  # parser took "su"
        (r"(?:diagnos|diagnosis)\w*", re.I, {"diagnos"}),  # "diagnosis" adds no test
        (r"x?(?:abc)+", 0, {"abc"}),
        (r"(?:abc)?\d+", 0, None),  # optional part, class: nothing required
        (r"abc|\d", 0, None),  # one branch requires nothing
        (r"(?=tumou?r)\w+", re.I, None),  # lookarounds are not used
        (r"ſarcoma", re.I, {"arcoma"}),  # non-ASCII characters are never literals
        (r"r/o\b", re.I, {"r/o"}),
    ],
)
def test_required_literals(pattern: str, flags: int, expected: set[str] | None) -> None:
    found = required_literals(re.compile(pattern, flags))
    assert found == (None if expected is None else frozenset(expected))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The DIAGNOSIS was made.", [True, False, False]),
        ("He had a tumour.", [False, False, True]),
        ("He had a ſuspected tumour.", [True, True, True]),  # non-ASCII: all may match
    ],
)
def test_gate_is_a_substring_test_on_ascii_text(text: str, expected: list[bool]) -> None:
    gate = LiteralGate(
        (
            re.compile(r"\bdiagnos\w+", re.I),
            re.compile(r"\bsuspected\b", re.I),
            re.compile(r"\btumou?rs?\b", re.I),
        )
    )
    assert gate.possible(text) == expected


def _rules():  # noqa: ANN202
    cfg = config()
    return cfg.role_rules + cfg.basis_rules


@pytest.mark.parametrize("seed", range(4))
def test_gate_never_hides_a_match_of_a_diagnosis_rule(seed: int) -> None:
    """Rule examples with random case changes, deletions and insertions: wherever a
    pattern matches, the gate lets it run."""
    rng = random.Random(seed)
    rules = _rules()
    gate = LiteralGate(tuple(r.regex for r in rules))
    matched = 0
    for _ in range(300):
        text = list(rng.choice(rules).example.replace("[", "").replace("]", ""))
        for _ in range(rng.randrange(4)):
            p = rng.randrange(len(text))
            text[p : p + 1] = rng.choice([[], [text[p].upper()], [text[p], rng.choice("ae ")]])
        sentence = "".join(text)
        for rule, maybe in zip(rules, gate.possible(sentence), strict=True):
            if rule.regex.search(sentence):
                matched += 1
                assert maybe, (rule.id, sentence)
    assert matched > 300


class _AllPossible:
    """A gate that runs every pattern (the reference)."""

    def __init__(self, regexes: tuple[re.Pattern[str], ...]) -> None:
        self.n = len(regexes)

    def possible(self, _text: str) -> list[bool]:
        return [True] * self.n


SENTENCES = [
    "Histopathology confirmed the diagnosis of [schwannoma].",
    "The differential diagnosis included [meningioma] and [schwannoma].",
    "His father had [renal cell carcinoma] at 60.",
    "[Alveolar soft part sarcoma] is a very rare condition.",
    "MRI suggested a [neurofibroma], but the biopsy showed [schwannoma].",
    "A 45-year-old woman with a history of [breast carcinoma] presented with pain.",
]


@pytest.mark.parametrize("annotated", SENTENCES)
def test_classify_sentence_runs_only_possible_rules(
    annotated: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same roles as running every rule; most rules are not run."""
    spans, text, pos = [], "", 0
    for part in re.split(r"(\[[^\]]+\])", annotated):
        if part.startswith("["):
            spans.append((pos, pos + len(part) - 2))
            part = part[1:-1]
        text += part
        pos += len(part)
    gated = classify_sentence(text, spans)
    ran = sum(diagnosis_roles.gate_of(tuple(r.regex for r in _rules())).possible(text))
    monkeypatch.setattr(diagnosis_roles, "gate_of", _AllPossible)
    assert classify_sentence(text, spans) == gated
    assert ran < len(_rules()) // 2
