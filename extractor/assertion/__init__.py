"""Assertions (negated, uncertain, hypothetical, historical, family) with medspaCy's ConText.

Cue rules are data (``rules/context_rules.json``, loaded by :mod:`.rules`); the
engine (:mod:`.engine`) runs ConText one sentence at a time, with a rule matcher
(:mod:`.matcher`) that runs only the cue patterns a sentence can match, each matched in
Python from the tokens where it can start (:mod:`.patterns`); in the pipeline, the
document's own tokens rule out the sentences where no cue can match (:mod:`.doc_filter`);
:mod:`.resolve` turns the cues modifying a span into an
:class:`~extractor.schema.Assertion`; :mod:`.findings` cuts negation scopes into
negated findings; the spaCy component ``case_assertions`` lives in :mod:`.component`.
"""

from __future__ import annotations

from extractor.assertion.core import analyze_text
from extractor.assertion.engine import ContextEngine
from extractor.assertion.resolve import to_assertion
from extractor.schema import Assertion, Cue
from extractor.text import NormalizedText, normalize

__all__ = ["assess", "assertion_to_original"]


def assertion_to_original(norm: NormalizedText, assertion: Assertion) -> Assertion:
    """The assertion with its cue's offsets mapped from normalized to original text."""
    if assertion.cue is None:
        return assertion
    start, end = norm.to_original(assertion.cue.start, assertion.cue.end)
    cue = Cue(
        text=norm.original[start:end],
        start=start,
        end=end,
        category=assertion.cue.category,
        rule=assertion.cue.rule,
    )
    return assertion.model_copy(update={"cue": cue})


def assess(
    text: str, spans: list[tuple[int, int]], *, engine: ContextEngine | None = None
) -> list[Assertion]:
    """Assertions for character spans of ``text`` (offsets into ``text``, as given).

    ``text`` is normalized and split into sentences exactly as in the pipeline, and
    the same ConText rules apply (``engine`` swaps the rule set, for benchmarks);
    cue offsets in the result point into ``text``.
    """
    norm = normalize(text)
    targets = [norm.to_normalized(start, end) for start, end in spans]
    result = analyze_text(norm.text, targets, engine=engine)
    return [
        assertion_to_original(norm, to_assertion(cues, target))
        for cues, target in zip(result.target_cues, targets, strict=True)
    ]
