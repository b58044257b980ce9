"""The correction form of a review page: the record's summary as a gold file in the
pages-dev format (``../shared/pages-dev/README.md``), editable, downloaded by the
page's script as ``ID.json`` (no server). A folder of such files is record-level gold
for ``python -m extractor evaluate --records-gold DIR``.

:func:`gold_from_record` is the file the form starts from (and the one it downloads
when nothing is changed); the script replaces the scored keys with the form's values.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from extractor.schema import Record


def gold_from_record(record: Record) -> dict[str, Any]:
    """The record's summary as a pages-dev gold object (``source_sha256`` added)."""
    s = record.summary
    final = s.final_diagnosis
    return {
        "id": record.report_id,
        "age_years": s.age_years,
        "sex": s.sex,
        "levels": list(s.levels),
        "size_max_mm": s.size_max_mm,
        "stains": [{"marker": x.marker, "result": x.result} for x in s.stains],
        "final_diagnosis": (
            {"name": final.name, "icdo3": final.icdo3, "icdo3_alt": [], "name_alt": []}
            if final
            else None
        ),
        "differential_diagnoses": [d.name for d in s.differential_diagnoses],
        "negated_findings": list(s.negated_findings),
        "notes": "",
        "source_sha256": record.source.sha256,
    }


def script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>``, no HTML comment)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _input(name: str, label: str, value: str, hint: str = "", kind: str = "text") -> str:
    extra = ' inputmode="decimal"' if kind == "number" else ""
    tip = f' <span class="hint">{escape(hint)}</span>' if hint else ""
    return (
        f'<label>{escape(label)}{tip}<input name="{name}" type="text"{extra} '
        f'value="{escape(value)}"></label>'
    )


def form_values(gold: dict[str, Any]) -> dict[str, str]:
    """The form's initial text per input (the inverse of the page script's parsing)."""
    final = gold["final_diagnosis"] or {}
    return {
        "age_years": _num(gold["age_years"]),
        "sex": gold["sex"] or "",
        "levels": " ".join(gold["levels"]),
        "size_max_mm": _num(gold["size_max_mm"]),
        "stains": "; ".join(
            f"{x['marker']}{'+' if x['result'] == 'positive' else '-'}" for x in gold["stains"]
        ),
        "dx_name": final.get("name") or "",
        "dx_icdo3": final.get("icdo3") or "",
        "dx_icdo3_alt": " ".join(final.get("icdo3_alt") or []),
        "dx_name_alt": "; ".join(final.get("name_alt") or []),
        "differential_diagnoses": "; ".join(gold["differential_diagnoses"]),
        "negated_findings": "; ".join(gold["negated_findings"]),
    }


def gold_form(record: Record) -> str:
    gold = gold_from_record(record)
    v = form_values(gold)
    sex = "".join(
        f'<option value="{o}"{" selected" if v["sex"] == o else ""}>{o or "(not given)"}</option>'
        for o in ("", "female", "male")
    )
    return (
        f'<script type="application/json" id="xr-gold-data">{script_json(gold)}</script>'
        '<form class="gold" id="xr-gold">'
        + _input("age_years", "Age (years)", v["age_years"], "months as a fraction", "number")
        + f'<label>Sex<select name="sex">{sex}</select></label>'
        + _input("levels", "Levels", v["levels"], "space-separated, ranges expanded: L4 L5")
        + _input("size_max_mm", "Size, largest dimension (mm)", v["size_max_mm"], "", "number")
        + _input("stains", "Stains", v["stains"], "marker+ or marker-, ';' between: S100+; CD34-")
        + _input("dx_name", "Final diagnosis", v["dx_name"])
        + _input("dx_icdo3", "ICD-O-3", v["dx_icdo3"], "e.g. 9560/0")
        + _input("dx_icdo3_alt", "Other acceptable codes", v["dx_icdo3_alt"], "space-separated")
        + _input("dx_name_alt", "Other acceptable names", v["dx_name_alt"], "';' between")
        + _input("differential_diagnoses", "Differential diagnoses", v["differential_diagnoses"])
        + _input("negated_findings", "Negated findings", v["negated_findings"])
        + '<label>Notes<textarea name="notes" rows="2"></textarea></label>'
        + f'<button type="submit">Download {escape(record.report_id)}.json</button></form>'
    )
