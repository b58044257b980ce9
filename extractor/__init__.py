"""Registry-ready records from spinal, paraspinal and soft-tissue case reports."""

from extractor.gc_tuning import loading
from extractor.lazy_imports import defer_unused_imports

defer_unused_imports()  # before anything imports medspaCy

with loading():  # spaCy, pydantic and the schema: long-lived objects only
    from extractor.api import extract, extract_file
    from extractor.schema import SCHEMA_VERSION, Record

__version__ = "0.1.0"
__all__ = ["extract", "extract_file", "assess", "to_dataframe", "Record", "SCHEMA_VERSION"]


def assess(text, spans):  # noqa: ANN001, ANN201 - re-exported lazily, typed at the source
    """Assertions for character spans of ``text``; see :func:`extractor.assertion.assess`."""
    from extractor.assertion import assess as _assess

    return _assess(text, spans)


def to_dataframe(records):  # noqa: ANN001, ANN201
    """Records -> one-row-per-report DataFrame; see :mod:`extractor.export.tables`."""
    from extractor.export.tables import to_dataframe as _to_dataframe

    return _to_dataframe(records)
