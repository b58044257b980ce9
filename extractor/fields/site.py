"""PLACEHOLDER (replaced by the field work)."""

from __future__ import annotations

from spacy.tokens import Doc

from extractor.fields.base import BaseField, Candidate
from extractor.schema import FieldName


class _Field(BaseField):
    name = FieldName("site")

    def find(self, doc: Doc) -> list[Candidate]:
        return []


EXTRACTOR = _Field()
