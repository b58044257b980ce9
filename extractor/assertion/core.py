"""Text-level assertion analysis shared by the pipeline component and ``assess``.

Both split the normalized text with :func:`extractor.sentences.sentence_spans` and
run :class:`~extractor.assertion.engine.ContextEngine` sentence by sentence, so a
span gets the same assertion whichever way it is asked for.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractor.assertion.doc_filter import DocSentences
from extractor.assertion.engine import ContextEngine, CueMatch, get_engine, shift_cue
from extractor.assertion.findings import findings_in_scope
from extractor.assertion.rules import NEGATED
from extractor.sentences import sentence_spans


@dataclass(frozen=True)
class TextResult:
    #: for each target, the cues that modify it (offsets into the whole text)
    target_cues: list[list[CueMatch]]
    #: every cue of the analysed sentences that can modify a target (terminators and
    #: pseudo-triggers, which only shape the other cues' scopes, are left out)
    cues: list[CueMatch]


def _group_by_sentence(
    sentences: list[tuple[int, int]], targets: Sequence[tuple[int, int]]
) -> dict[int, list[int]]:
    starts = [s for s, _ in sentences]
    groups: dict[int, list[int]] = {}
    for i, (start, _end) in enumerate(targets):
        k = bisect.bisect_right(starts, start) - 1
        if k >= 0:
            groups.setdefault(k, []).append(i)
    return groups


def analyze_text(
    text: str,
    targets: Sequence[tuple[int, int]],
    *,
    all_sentences: bool = False,
    also_in: Sequence[tuple[int, int]] = (),
    engine: ContextEngine | None = None,
    sentences: list[tuple[int, int]] | None = None,
    doc_sentences: DocSentences | None = None,
) -> TextResult:
    """Run ConText on the sentences of ``text`` holding a target (or on all of them, or
    also on those starting inside one of the ``also_in`` character ranges).

    The engine runs with ``asserting_only``: only cues that can modify a target are
    kept, so a sentence in which none can match is not run through ConText at all.
    ``engine`` defaults to the packaged rules; the benchmark passes another rule set.
    ``sentences`` are :func:`sentence_spans` of ``text`` when the caller has them.
    ``doc_sentences``: the pipeline document's tokens, which stand for a sentence's
    own tokens where they are the same (:class:`~.doc_filter.DocSentences`) and there
    may say that the engine would find no cue in it (then it is not analysed).
    """
    engine = engine or get_engine()
    if sentences is None:
        sentences = sentence_spans(text)
    groups = _group_by_sentence(sentences, targets)
    target_cues: list[list[CueMatch]] = [[] for _ in targets]
    cues: list[CueMatch] = []
    for k, (s_start, s_end) in enumerate(sentences):
        members = groups.get(k, [])
        wanted = all_sentences or any(a <= s_start < b for a, b in also_in)
        if not members and not wanted:
            continue
        sentence = None
        if doc_sentences is not None:
            may_match, sentence = doc_sentences.analysable(s_start, s_end, engine.nlp.tokenizer)
            if not may_match:
                continue
        if sentence is not None:  # offsets into the whole text, no shift needed
            clipped = [(min(targets[i][0], s_end), min(targets[i][1], s_end)) for i in members]
            found_cues, sentence_cues = engine.run_sentence(
                sentence, clipped, s_start, True, filtered=True
            )
            for i, found in zip(members, found_cues, strict=True):
                target_cues[i] = found
            cues.extend(sentence_cues)
            continue
        local = [
            (min(targets[i][0], s_end) - s_start, min(targets[i][1], s_end) - s_start)
            for i in members
        ]
        result = engine.analyze(text[s_start:s_end], local, asserting_only=True)
        shifted = [shift_cue(c, s_start) for c in result.cues]
        for i, found in zip(members, result.target_cues, strict=True):
            target_cues[i] = [shift_cue(c, s_start) for c in found]
        cues.extend(shifted)
    return TextResult(target_cues, cues)


def _overlaps(a: int, b: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a < e and s < b for s, e in spans)


def negated_findings(
    text: str, cues: Iterable[CueMatch], skip: Sequence[tuple[int, int]] = ()
) -> list[tuple[str, int, int]]:
    """Findings in the scope of every negation cue, minus those overlapping ``skip``."""
    found: list[tuple[str, int, int]] = []
    for cue in cues:
        if cue.category != NEGATED or cue.direction not in ("FORWARD", "BACKWARD"):
            continue
        forward = cue.direction == "FORWARD"
        for finding in findings_in_scope(text, cue.finding_start, cue.finding_end, forward):
            if not _overlaps(finding[1], finding[2], skip):
                found.append(finding)
    return found
