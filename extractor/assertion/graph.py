"""ConText's modifier and scope bookkeeping over one sentence, as medspaCy 1.3 does it.

medspaCy's ``ConText.__call__`` turns each cue match into a ``ConTextModifier`` (its
scope: the rest of the sentence in its direction, cut to the rule's ``max_scope``),
lets every pair of modifiers limit each other's scope (``ConTextGraph.update_scopes``:
a terminator, a category in ``terminated_by`` or another cue of the same category
ends it) and links each target to the modifiers whose scope it overlaps
(``ConTextGraph.apply_modifiers``, then ``reduce_targets`` for ``max_targets``). It
stores the result on spaCy extensions of the Doc and of each target Span, which costs
more than the bookkeeping itself on a short sentence.

:func:`build_modifiers` and :func:`modifiers_of_targets` do the same on token offsets
and return plain lists; the engine analyses one sentence per Doc, so a scope is bounded
by the Doc. medspaCy's half-open overlap test (``tuple_overlaps``, which is not
symmetric: a span strictly inside the other does not "overlap" it) is kept as it is,
since it decides which cues modify which target. Rules with an ``on_modifies``
callback are not supported (:func:`check_rules` refuses them at load time); a test
compares both implementations on the dev sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from medspacy.context import ConTextRule

from extractor.assertion.rules import rule_id

#: the label ConText sees on every target span (``allowed_types``/``excluded_types``)
TARGET_LABEL = "TARGET"
Match = tuple[int, int, int]


class Modifier:
    """One matched cue: its rule, its token span and its (mutable) token scope."""

    __slots__ = ("rule", "category", "direction", "start", "end", "scope_start", "scope_end")

    def __init__(self, rule: ConTextRule, start: int, end: int, n_tokens: int) -> None:
        self.rule = rule
        self.category: str = rule.category
        self.direction: str = rule.direction
        self.start = start
        self.end = end
        self.scope_start, self.scope_end = _initial_scope(rule, start, end, n_tokens)

    @property
    def modifier_span(self) -> tuple[int, int]:
        return self.start, self.end

    @property
    def scope_span(self) -> tuple[int, int]:
        return self.scope_start, self.scope_end

    def __repr__(self) -> str:
        return f"<Modifier {rule_id(self.rule)} [{self.start}, {self.end}) {self.category}>"


def check_rules(rules: Iterable[ConTextRule]) -> None:
    """Fail loudly on a rule this bookkeeping does not implement."""
    for rule in rules:
        if rule.on_modifies is not None:
            raise ValueError(f"ConText rule {rule_id(rule)!r}: on_modifies is not supported")


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    """medspaCy's ``tuple_overlaps((a0, a1), (b0, b1))``, asymmetry included."""
    return a0 <= b0 < a1 or a0 < b1 <= a1


def _initial_scope(rule: ConTextRule, start: int, end: int, n: int) -> tuple[int, int]:
    """``ConTextModifier.__set_scope`` with the whole Doc as the sentence."""
    limit = rule.max_scope
    if rule.direction == "FORWARD":
        if limit is not None and n - end > limit:
            return end, end + limit
        return end, n
    if rule.direction == "BACKWARD":
        if limit is not None and start > limit:
            return start - limit, start
        return 0, start
    scope_start, scope_end = 0, n  # bidirectional, and so terminators and pseudo-cues
    if limit is not None and start - scope_start > limit:
        scope_start = start - limit
    if limit is not None and scope_end - end > limit:
        scope_end = end + limit
    return scope_start, scope_end


def _limit_scope(mod: Modifier, other: Modifier) -> None:
    """``ConTextModifier.limit_scope``: ``other`` may end the scope of ``mod``."""
    if not _overlaps(mod.scope_start, mod.scope_end, other.scope_start, other.scope_end):
        return
    if mod.direction == "TERMINATE":
        return
    same = other.category == mod.category
    if other.direction != "TERMINATE" and other.category not in mod.rule.terminated_by and not same:
        return
    if same and (
        mod.rule.allowed_types != other.rule.allowed_types
        or mod.rule.excluded_types != other.rule.excluded_types
    ):
        return
    if mod.direction in ("FORWARD", "BIDIRECTIONAL") and other.start > mod.start:
        mod.scope_end = min(mod.scope_end, other.start)
    if mod.direction in ("BACKWARD", "BIDIRECTIONAL") and other.end < mod.end:
        mod.scope_start = max(mod.scope_start, other.end)


def build_modifiers(
    matches: Sequence[Match], rule_of: Callable[[int], ConTextRule], n_tokens: int
) -> list[Modifier]:
    """The modifiers of the cue ``matches`` (match key, start, end) in a Doc of
    ``n_tokens`` tokens, scopes limited by each other (``ConTextGraph.update_scopes``)."""
    modifiers = [Modifier(rule_of(key), start, end, n_tokens) for key, start, end in matches]
    for i in range(len(modifiers) - 1):
        first = modifiers[i]
        for j in range(i + 1, len(modifiers)):
            second = modifiers[j]
            _limit_scope(first, second)
            _limit_scope(second, first)
    return modifiers


def _modifies(mod: Modifier, start: int, end: int) -> bool:
    """``ConTextModifier.modifies`` for a target at tokens ``start:end``."""
    if _overlaps(mod.start, mod.end, start, end):
        return False
    if mod.direction in ("TERMINATE", "PSEUDO"):
        return False
    rule = mod.rule
    if rule.allowed_types is not None:
        if TARGET_LABEL not in rule.allowed_types:
            return False
    elif rule.excluded_types is not None and TARGET_LABEL in rule.excluded_types:
        return False
    return _overlaps(mod.scope_start, mod.scope_end, start, end)


def _closest(mod: Modifier, targets: list[int], spans: Sequence[tuple[int, int]]) -> list[int]:
    """``ConTextModifier.reduce_targets``: the ``max_targets`` closest targets."""
    limit = mod.rule.max_targets
    if limit is None or len(targets) <= limit:
        return targets

    def distance(k: int) -> int:
        return min(abs(mod.start - spans[k][1]), abs(spans[k][0] - mod.end))

    return sorted(targets, key=distance)[:limit]


def modifiers_of_targets(
    modifiers: Sequence[Modifier], spans: Sequence[tuple[int, int]]
) -> list[list[Modifier]]:
    """For each target token span, the modifiers ConText links to it, as medspaCy
    leaves them in ``Span._.modifiers``: in modifier order, and shared by targets with
    the same span (spaCy keys a Span's extensions by its offsets), so a modifier of two
    such targets is listed twice for each."""
    linked: dict[tuple[int, int], list[Modifier]] = {span: [] for span in spans}
    for mod in modifiers:
        targets = [k for k, (start, end) in enumerate(spans) if _modifies(mod, start, end)]
        for k in _closest(mod, targets, spans):
            linked[spans[k]].append(mod)
    return [list(linked[span]) for span in spans]
