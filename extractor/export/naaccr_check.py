"""Check a NAACCR XML file against the standard's own files (not shipped here).

NAACCR publishes the XML Schema (``naaccr_data_1.8.xsd``) and the base data dictionary
(``naaccr-dictionary-260.xml``). :func:`check_naaccr_file` validates a file against the
schema and checks every ``Item`` against the dictionary: the item exists, sits under
its ``parentXmlElement``, belongs to the file's record type, and its value fits the
item's length and data type. It returns the problems found (an empty list: the file
passes). :func:`find_naaccr_dir` finds a folder holding both files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

NS = "http://naaccr.org/naaccrxml"
XSD_NAME = "naaccr_data_1.8.xsd"
DICTIONARY_NAME = "naaccr-dictionary-260.xml"
#: NAACCR XML data types -> the values they allow (NAACCR XML specification 1.8, 6.3)
DATA_TYPES = {
    "digits": re.compile(r"\d+"),
    "numeric": re.compile(r"-?\d+(\.\d+)?"),
    "alpha": re.compile(r"[A-Z]+"),
    "mixed": re.compile(r"[A-Z\d]+"),
    "date": re.compile(r"\d{4}(\d{2}(\d{2})?)?"),
    "text": re.compile(r".*", re.S),
}


@dataclass(frozen=True)
class DictionaryItem:
    naaccr_id: str
    num: int
    parent: str
    length: int
    data_type: str
    record_types: frozenset[str]
    unlimited: bool


def find_naaccr_dir(candidates: Iterable[Path | str] = ()) -> Path | None:
    """The first folder holding the schema and the dictionary: ``$NAACCR_DIR``, then
    ``candidates``; None when there is none."""
    paths = [os.environ.get("NAACCR_DIR") or "", *candidates]
    for path in paths:
        if path and (Path(path) / XSD_NAME).is_file() and (Path(path) / DICTIONARY_NAME).is_file():
            return Path(path)
    return None


def read_dictionary(path: Path) -> dict[str, DictionaryItem]:
    """naaccrId -> :class:`DictionaryItem` of a NAACCR XML dictionary file."""
    tree = etree.parse(str(path))
    items = {}
    for el in tree.iter(f"{{{NS}}}ItemDef"):
        a = el.attrib
        items[a["naaccrId"]] = DictionaryItem(
            naaccr_id=a["naaccrId"],
            num=int(a["naaccrNum"]),
            parent=a["parentXmlElement"],
            length=int(a["length"]),
            data_type=a.get("dataType", "text"),
            record_types=frozenset(a.get("recordTypes", "").split(",")),
            unlimited=a.get("allowUnlimitedText") == "true",
        )
    return items


def schema_problems(xml: Path, xsd: Path) -> list[str]:
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    if schema.validate(etree.parse(str(xml))):
        return []
    return [f"schema: line {e.line}: {e.message}" for e in schema.error_log]


def item_problems(el: etree._Element, spec: DictionaryItem | None, record_type: str) -> list[str]:
    """What is wrong with one ``Item`` element against its dictionary entry."""
    naaccr_id = el.get("naaccrId")
    where = f"{naaccr_id} (line {el.sourceline})"
    if spec is None:
        return [f"{where}: not in the dictionary"]
    value, parent = el.text or "", etree.QName(el.getparent()).localname
    problems = []
    if parent != spec.parent:
        problems.append(f"{where}: under {parent}, the dictionary says {spec.parent}")
    if el.get("naaccrNum") is not None and int(el.get("naaccrNum")) != spec.num:
        problems.append(f"{where}: naaccrNum {el.get('naaccrNum')}, dictionary {spec.num}")
    if record_type not in spec.record_types:
        problems.append(f"{where}: not an item of record type {record_type}")
    if len(value) > spec.length and not spec.unlimited:
        problems.append(f"{where}: {len(value)} characters, longer than {spec.length}")
    if not DATA_TYPES.get(spec.data_type, DATA_TYPES["text"]).fullmatch(value):
        problems.append(f"{where}: {value!r} is not of data type {spec.data_type}")
    return problems


def dictionary_problems(xml: Path, dictionary: dict[str, DictionaryItem]) -> list[str]:
    root = etree.parse(str(xml)).getroot()
    record_type = root.get("recordType", "")
    problems = []
    for el in root.iter(f"{{{NS}}}Item"):
        problems += item_problems(el, dictionary.get(el.get("naaccrId", "")), record_type)
    return problems


def check_naaccr_file(xml: Path, naaccr_dir: Path) -> list[str]:
    """Schema and dictionary problems of ``xml`` (empty: valid)."""
    dictionary = read_dictionary(naaccr_dir / DICTIONARY_NAME)
    return schema_problems(xml, naaccr_dir / XSD_NAME) + dictionary_problems(xml, dictionary)
