"""The one place that knows component order.

``get_nlp()`` builds the spaCy pipeline once per process (blank English tokenizer,
our sentence splitter, the case-report sectionizer, scispaCy's abbreviation
detector, one component per field in :data:`FIELD_ORDER`, ConText assertions, and
the per-field finalize step) and caches it. No trained model is loaded. The pipeline
shares its tokenizer (so its vocabulary and its cache of tokenized chunks) with the
ConText engine: the engine tokenizes the sentences of a document whose chunks the
pipeline has just tokenized, and the second English tokenizer is never built.
"""

from __future__ import annotations

import importlib
import logging
import warnings
from collections.abc import Callable
from functools import cache, lru_cache

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from extractor.assertion.engine import get_engine
from extractor.fields.base import Candidate, FieldExtractor
from extractor.gc_tuning import loading
from extractor.schema import FieldName
from extractor.tokenizer import SafeTokenizer, lean_lexemes

SHARED_TOKENIZER = "extractor.shared_tokenizer.v1"

#: a report that makes every field load its rules, vocabularies and unit tables
WARM_UP_TEXT = (
    "Case report\nA 45-year-old woman had a 4 x 3 cm paraspinal mass at L4-L5. "
    "Biopsy showed a schwannoma, S-100 positive. There was no metastasis.\n"
)

#: field extraction order; each name is a module ``extractor.fields.<name>``
FIELD_ORDER: tuple[FieldName, ...] = (
    FieldName.AGE,
    FieldName.SEX,
    FieldName.LEVEL,
    FieldName.SIZE,
    FieldName.SITE,
    FieldName.STAIN,
    FieldName.DIAGNOSIS,
)

#: the spaCy components, in order, after the tokenizer
PIPE_ORDER: tuple[str, ...] = (
    "case_sentences",
    "case_sections",
    "case_abbreviations",
    *(f"field_{name.value}" for name in FIELD_ORDER),
    "case_assertions",
    "field_finalize",
)

_NOISY_LOGGERS = ("PyRuSH", "medspacy", "spacy", "scispacy", "numexpr", "pint")

for _ext in ("candidates", "sections", "negated_findings"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)


def silence_third_party_logging() -> None:
    """PyRuSH logs every sentence at DEBUG; keep third-party loggers at WARNING."""
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # scispaCy's detector calls an empty matcher on documents defining no abbreviation
    warnings.filterwarnings("ignore", message=r"\[W036\]")
    try:  # PyRuSH uses loguru
        from loguru import logger as loguru_logger

        loguru_logger.remove()
    except ImportError:  # pragma: no cover - loguru is a medspaCy dependency
        pass


@cache
def field_extractor(name: FieldName) -> FieldExtractor:
    """The ``EXTRACTOR`` object of module ``extractor.fields.<name>``."""
    module = importlib.import_module(f"extractor.fields.{name.value}")
    return module.EXTRACTOR


def _make_field_component(name: FieldName):
    def component(doc: Doc) -> Doc:
        if doc._.candidates is None:
            doc._.candidates = []
        doc._.candidates.extend(field_extractor(name).find(doc))
        return doc

    return component


for _name in FIELD_ORDER:
    if f"field_{_name.value}" not in Language.factories:
        Language.component(f"field_{_name.value}", func=_make_field_component(_name))


@Language.component("field_finalize")
def field_finalize(doc: Doc) -> Doc:
    candidates: list[Candidate] = doc._.candidates or []
    result: list[Candidate] = []
    for name in FIELD_ORDER:
        own = [c for c in candidates if c.field == name]
        result.extend(field_extractor(name).finalize(doc, own))
    result.sort(key=lambda c: (c.start, c.end, c.field.value))
    doc._.candidates = result
    return doc


def _register_components() -> None:
    # importing these modules registers their spaCy factories
    importlib.import_module("extractor.sentences")
    importlib.import_module("extractor.sections.component")
    importlib.import_module("extractor.abbreviations")
    importlib.import_module("extractor.assertion.component")


@spacy.registry.tokenizers(SHARED_TOKENIZER)
def _shared_tokenizer() -> Callable[[Language], Tokenizer]:
    """The ConText engine's English tokenizer (same language defaults as a blank
    pipeline's), shared instead of building a second one."""

    def make(_nlp: Language) -> Tokenizer:
        return get_engine().nlp.tokenizer

    return make


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Build (once per process) and return the extraction pipeline."""
    silence_third_party_logging()
    with loading():  # only long-lived objects are made here (see extractor.gc_tuning)
        _register_components()
        # one tokenizer, so one vocabulary and one chunk cache, for the pipeline and ConText
        nlp = spacy.blank(
            "en",
            vocab=get_engine().nlp.vocab,
            config={"nlp": {"tokenizer": {"@tokenizers": SHARED_TOKENIZER}}},
        )
        nlp.max_length = 50_000_000
        lean_lexemes(nlp.vocab)
        nlp.tokenizer = SafeTokenizer(nlp.tokenizer)
        for pipe in PIPE_ORDER:
            nlp.add_pipe(pipe)
        nlp(WARM_UP_TEXT)  # the fields load their rules, vocabularies and tables here
        load_rule_data()
    return nlp


def load_rule_data() -> None:
    """Parse the rule data that code paths read on first use, which the warm-up text
    does not reach: the heading words of the normalization's line joiner (a line break
    before a heading) and the stated-diagnosis rules ("diagnosed with ..."). Loaded with
    the pipeline, a bad file fails at load with its name, not on some report of a batch,
    and forked workers inherit the parsed rules instead of each parsing them again."""
    from extractor.fields.diagnosis_stated import stated_rules
    from extractor.text import heading_literals

    stated_rules()
    heading_literals()
