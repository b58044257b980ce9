"""Load the ConText cue rules (data) into medspaCy :class:`ConTextRule` objects.

The rule file ``extractor/assertion/rules/context_rules.json`` uses medspaCy's
ConText rule keys (``literal``, ``category``, ``pattern``, ``direction``,
``max_scope``, ``max_targets``, ``allowed_types``, ``excluded_types``,
``terminated_by``) plus three of ours: ``id`` (comes out on every cue as
``Cue.rule``), ``example`` (a sentence with one ``[bracketed]`` target that the
test suite runs through the rule) and, optionally, ``names_finding: true`` for a
cue that, when a target span starts with it, is part of the finding's name and
does not assert it ("[absence of appetite]" is a finding; "[no signs of
endocarditis]" is a negated one), and ``anchor: "first"`` or ``"last"`` for a rule
whose cue is that one token of its pattern (the rest is context: the comma of ",
[diuresis] was preserved", the comma closing "Apart from [fever], the history was
unremarkable"). The file is validated on load: an unknown key, a
missing key, a duplicate id, an unknown category or an example without exactly one
target fails with the file name and the rule id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from medspacy.context import ConTextRule
from spacy.tokens import Doc

from extractor.tokenizer import check_token_pattern

RULES_FILE = "context_rules.json"

#: ConText category -> the :class:`extractor.schema.Assertion` field it sets
CATEGORY_FIELDS: dict[str, str] = {
    "NEGATED_EXISTENCE": "negated",
    "POSSIBLE_EXISTENCE": "uncertain",
    "HYPOTHETICAL": "hypothetical",
    "HISTORICAL": "historical",
    "FAMILY": "family",
    "RESOLVED": "resolved",
}
NEGATED = "NEGATED_EXISTENCE"
#: a relation noun + preposition ("recurrence of", "risk factors for"): a target right
#: after it is not negated by a negation of the relation (see the engine)
SHIELD = "NEGATION_SHIELD"
#: categories of rules that never assert anything themselves
CONTROL_CATEGORIES = frozenset({"TERMINATE", "PSEUDO", "NEGATION_TERMINATE", SHIELD})
CATEGORIES = frozenset(CATEGORY_FIELDS) | CONTROL_CATEGORIES
#: ConText directions of cues that only cut or block other cues and never modify a target
CONTROL_DIRECTIONS = frozenset({"TERMINATE", "PSEUDO"})

REQUIRED_KEYS = frozenset({"id", "literal", "category", "direction", "example"})
ALLOWED_KEYS = REQUIRED_KEYS | {
    "pattern",
    "max_scope",
    "max_targets",
    "allowed_types",
    "excluded_types",
    "terminated_by",
    "names_finding",
    "anchor",
}
#: our keys, kept in the rule's metadata (the others are medspaCy's ConTextRule arguments)
OUR_KEYS = frozenset({"id", "example", "names_finding", "anchor"})
FILE_KEYS = frozenset({"description", "terminating_types", "context_rules"})
_TARGET_RE = re.compile(r"\[([^\[\]]{1,200})\]")


class RuleError(ValueError):
    """A rule file that cannot be loaded; the message names the file and the rule."""


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[ConTextRule, ...]
    terminating_types: dict[str, list[str]]
    source: str


def parse_example(example: str) -> tuple[str, tuple[int, int]]:
    """``"no [fever]"`` -> ``("no fever", (3, 8))``: the sentence and its target span."""
    matches = list(_TARGET_RE.finditer(example))
    if len(matches) != 1:
        raise ValueError(f"example needs exactly one [bracketed] target: {example!r}")
    match = matches[0]
    text = example[: match.start()] + match.group(1) + example[match.end() :]
    start = match.start()
    return text, (start, start + len(match.group(1)))


def _check_rule(raw: Any, where: str) -> None:
    if not isinstance(raw, dict):
        raise RuleError(f"{where}: a rule must be a JSON object")
    unknown = set(raw) - ALLOWED_KEYS
    if unknown:
        raise RuleError(
            f"{where}: unknown key(s) {sorted(unknown)}; allowed keys: {sorted(ALLOWED_KEYS)}"
        )
    missing = REQUIRED_KEYS - set(raw)
    if missing:
        raise RuleError(f"{where}: missing key(s) {sorted(missing)}")
    if raw["category"] not in CATEGORIES:
        raise RuleError(
            f"{where}: unknown category {raw['category']!r}; allowed: {sorted(CATEGORIES)}"
        )
    if not isinstance(raw.get("names_finding", False), bool):
        raise RuleError(f"{where}: names_finding must be true or false")
    if raw.get("anchor") not in (None, "first", "last"):
        raise RuleError(f'{where}: anchor must be "first" or "last"')
    try:
        parse_example(raw["example"])
        check_token_pattern(raw.get("pattern"), where)
    except ValueError as err:
        raise RuleError(f"{where}: {err}") from err


def build_rule(raw: dict[str, Any], where: str = "<rule>") -> ConTextRule:
    """One validated JSON rule -> a medspaCy ConTextRule carrying our id and example."""
    _check_rule(raw, where)
    options = {k: v for k, v in raw.items() if k not in OUR_KEYS}
    for key in ("allowed_types", "excluded_types", "terminated_by"):
        if options.get(key) is not None:
            options[key] = set(options[key])
    try:
        metadata = {
            "id": raw["id"],
            "example": raw["example"],
            "names_finding": raw.get("names_finding", False),
            "anchor": raw.get("anchor"),
        }
        rule = ConTextRule(**options, metadata=metadata)
    except (ValueError, TypeError) as err:
        raise RuleError(f"{where}: {err}") from err
    return rule


def parse_rules(data: Any, source: str) -> RuleSet:
    """Validate the decoded JSON of a rule file and build its rules."""
    if not isinstance(data, dict) or "context_rules" not in data:
        raise RuleError(f"{source}: expected an object with a 'context_rules' list")
    unknown = set(data) - FILE_KEYS
    if unknown:
        raise RuleError(
            f"{source}: unknown top-level key(s) {sorted(unknown)}; allowed: {sorted(FILE_KEYS)}"
        )
    rules: list[ConTextRule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["context_rules"]):
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        where = f"{source}: rule #{i} ({rule_id or 'no id'})"
        if rule_id in seen:
            raise RuleError(f"{where}: duplicate id")
        seen.add(rule_id)
        rules.append(build_rule(raw, where))
    terminating = {k: list(v) for k, v in data.get("terminating_types", {}).items()}
    return RuleSet(rules=tuple(rules), terminating_types=terminating, source=source)


def load_rules(name: str = RULES_FILE) -> RuleSet:
    """Load and validate a rule file shipped in ``extractor/assertion/rules/``.

    Each call builds fresh rule objects (ConText mutates the rules it is given).
    """
    resource = resources.files("extractor.assertion") / "rules" / name
    source = f"extractor/assertion/rules/{name}"
    try:
        data = json.loads(resource.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise RuleError(f"{source}: invalid JSON: {err}") from err
    return parse_rules(data, source)


def rule_id(rule: ConTextRule) -> str:
    return (rule.metadata or {}).get("id", rule.literal)


# ---------------------------------------------------------------- prefilter

_LOWER_WORDS_KEY = ("extractor", "lower_words")


def lower_words(doc: Doc) -> list[str]:
    """Lower-cased token texts of ``doc``, computed once per doc: the engine's cue filter
    and the matcher both read them."""
    words = doc.user_data.get(_LOWER_WORDS_KEY)
    if words is None:
        words = [token.lower_ for token in doc]
        doc.user_data[_LOWER_WORDS_KEY] = words
    return words


def tokenized_words(tokenizer: Callable[[str], Doc]) -> Callable[[str], list[str]]:
    """Lower-cased token texts of a string, tokenized by ``tokenizer``."""
    return lambda text: lower_words(tokenizer(text))


#: spaCy Matcher quantifiers under which a pattern token must occur at least once
_REQUIRED_OPS = (None, "1", "+")
#: token attributes whose values bound the lower-cased text of the matched token
_WORD_KEYS = {"LOWER": lambda v: v, "ORTH": str.lower, "TEXT": str.lower}


def _token_words(spec: Any) -> frozenset[str] | None:
    """The lower-cased texts a token matching this Matcher token pattern can have, if the
    pattern token must occur and names them (``LOWER``/``ORTH``/``TEXT``, a string or
    ``{"IN": [...]}``); ``None`` otherwise."""
    if not isinstance(spec, dict) or spec.get("OP") not in _REQUIRED_OPS:
        return None
    words: frozenset[str] | None = None
    for key, to_lower in _WORD_KEYS.items():
        value = spec.get(key)
        if isinstance(value, dict) and set(value) == {"IN"}:
            value = value["IN"]
        elif isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            continue
        found = frozenset(to_lower(v) for v in value)
        words = found if words is None else words & found
    return words


def required_words(
    rule: ConTextRule, phrase_words: Callable[[str], list[str]]
) -> tuple[frozenset[str], ...] | None:
    """Word sets a text must contain for medspaCy's matcher to match ``rule`` in it: for
    each set, a token whose lower-cased text is in the set. ``None`` when the rule does
    not tell (a regular expression, an ``on_match`` callback).

    ``phrase_words`` gives the lower-cased token texts of a string, tokenized as the
    matcher tokenizes the literal of a rule without ``pattern`` (phrase-matched on
    ``LOWER``): each of those words must occur.
    """
    if rule.on_match is not None:
        return None
    if rule.pattern is None:
        return tuple(frozenset({word}) for word in phrase_words(rule.literal.lower()))
    if isinstance(rule.pattern, list):
        return tuple(w for w in map(_token_words, rule.pattern) if w is not None)
    return None


@dataclass(frozen=True)
class RuleFilter:
    """Which of a list of rules may match a text, judged from the words of the text.

    ``requirements[i]`` is :func:`required_words` of rule ``i`` (``None``: the rule may
    match any text). A rule is matchable when the text has a word of each of its sets.
    Only the rules whose first set the text meets are tested (a rule whose first set it
    misses cannot have all its sets met): most sentences meet few of the rules, and
    testing every rule's mask was most of the filter's time.
    """

    requirements: tuple[tuple[frozenset[str], ...] | None, ...]
    #: word -> (one bit per word set holding it, the rules whose first set holds it:
    #: (index, mask)); a rule's mask has the bits of its sets
    _words: dict[str, tuple[int, tuple[tuple[int, int], ...]]] = field(
        init=False, repr=False, compare=False
    )
    #: the rules without a word set (matchable in any text)
    _free: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        word_bits: dict[str, int] = {}
        firsts: dict[str, list[tuple[int, int]]] = {}
        masks: list[int] = []
        bit = 0
        for needed_sets in self.requirements:
            mask = 0
            for needed in needed_sets or ():
                for word in needed:
                    word_bits[word] = word_bits.get(word, 0) | (1 << bit)
                mask |= 1 << bit
                bit += 1
            masks.append(mask)
        for i, (needed_sets, mask) in enumerate(zip(self.requirements, masks, strict=True)):
            for word in needed_sets[0] if needed_sets else ():
                firsts.setdefault(word, []).append((i, mask))
        words = {word: (bits, tuple(firsts.get(word, ()))) for word, bits in word_bits.items()}
        object.__setattr__(self, "_words", words)
        object.__setattr__(self, "_free", tuple(i for i, mask in enumerate(masks) if not mask))

    def _found(self, words: Iterable[str]) -> tuple[int, list[tuple[tuple[int, int], ...]]]:
        """The bits of the word sets the words meet, and the rules whose first set they
        meet (the only rules with a set that can have all theirs met)."""
        found = 0
        starts: list[tuple[tuple[int, int], ...]] = []
        table = self._words
        for word in words:
            entry = table.get(word)
            if entry is not None:
                found |= entry[0]
                starts.append(entry[1])
        return found, starts

    def matchable(self, words: Iterable[str]) -> list[int]:
        """Indices of the rules that may match a text whose tokens have these lower-cased
        texts (the others cannot), in order."""
        found, starts = self._found(words)
        out = [i for rules in starts for i, mask in rules if found & mask == mask]
        return sorted({*out, *self._free}) if len(starts) > 1 or self._free else out

    def may_match(self, words: Iterable[str]) -> bool:
        """False only if none of the rules can match a text with these words."""
        if self._free:
            return True
        found, starts = self._found(words)
        return any(found & mask == mask for rules in starts for _, mask in rules)


def cue_filter(
    rules: Iterable[ConTextRule], phrase_words: Callable[[str], list[str]]
) -> RuleFilter:
    """The :class:`RuleFilter` of the ``rules`` whose cues can modify a target (direction
    not in :data:`CONTROL_DIRECTIONS`): a text for which it says no may hold only
    terminators and pseudo-triggers. If any rule has an ``on_match`` callback (which can
    change the matches of other rules), it says yes to every text."""
    rules = list(rules)
    if any(rule.on_match is not None for rule in rules):
        return RuleFilter((None,))
    return RuleFilter(
        tuple(
            required_words(rule, phrase_words)
            for rule in rules
            if rule.direction not in CONTROL_DIRECTIONS
        )
    )
