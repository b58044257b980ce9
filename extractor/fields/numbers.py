"""Numbers written in words ("forty-five") -> int; shared by the numeric fields."""

from __future__ import annotations

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
WORD_VALUES = {w: i for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
    )
}


def words_to_int(text: str) -> int | None:
    """'forty-five' -> 45, 'seven' -> 7, 'a hundred' -> None (not supported)."""
    parts = text.lower().replace("-", " ").split()
    if not parts or len(parts) > 2:
        return None
    values = [WORD_VALUES.get(p) for p in parts]
    if any(v is None for v in values):
        return None
    if len(values) == 2:
        tens, unit = values
        if tens < 20 or tens % 10 or not 0 < unit < 10:
            return None
        return tens + unit
    return values[0]
