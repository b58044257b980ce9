"""Reading report files: decoding, and a clear error for every kind of bad input."""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from extractor.schema import ErrorKind, Source

#: reports longer than this many characters are refused (override with max_chars)
DEFAULT_MAX_CHARS = 2_000_000


class InputError(Exception):
    """A report that cannot become a record; ``kind`` is one of :data:`ErrorKind`.

    ``sha256`` is the digest of the bytes that were read, when the file could be read.
    """

    def __init__(self, path: str, kind: ErrorKind, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.kind: ErrorKind = kind
        self.message = message
        self.sha256: str | None = None


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nul = sample[0::2].count(0) / len(sample[0::2])
    odd_nul = sample[1::2].count(0) / len(sample[1::2])
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, path: str) -> Decoded:
    """Decode report bytes: UTF-8 (BOM removed), UTF-16, else cp1252/latin-1 with a warning."""
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(
            data[3:].decode("utf-8", errors="strict"),
            "utf-8-sig",
            ["UTF-8 byte-order mark removed"],
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", ["decoded as UTF-16"])
        except UnicodeDecodeError as exc:
            raise InputError(path, "unreadable", f"invalid UTF-16: {exc}") from exc
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return Decoded(data.decode(utf16), utf16, [f"decoded as {utf16.upper()} (no BOM)"])
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        raise InputError(path, "binary", "contains NUL bytes; not a text file")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return Decoded(
            text,
            encoding,
            [f"not valid UTF-8 (first bad byte at offset {first_bad}); decoded as {encoding}"],
        )
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


#: control characters (below U+0020) other than tab, line feed, form feed, return
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f]")


def control_count(text: str) -> int:
    """Number of control characters in ``text`` (tab, line and page breaks not counted)."""
    return len(_CONTROL_RE.findall(text))


def check_text(text: str, path: str, max_chars: int) -> None:
    if not text.strip():
        raise InputError(path, "empty", "no text (empty or whitespace only)")
    if len(text) > max_chars:
        raise InputError(
            path, "too_large", f"{len(text):,} characters exceeds the limit of {max_chars:,}"
        )
    if control_count(text[:20000]) > 0.05 * min(len(text), 20000):
        raise InputError(path, "binary", "mostly control characters; not a text file")


def read_bytes(
    data: bytes, path: str, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[str, Source, list[str]]:
    """Decode and check one report's bytes; raise :class:`InputError` when unusable."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        if not data:
            raise InputError(path, "empty", "file is empty (0 bytes)")
        decoded = decode_bytes(data, path)
        check_text(decoded.text, path, max_chars)
    except InputError as exc:
        exc.sha256 = digest
        raise
    source = Source(
        path=path,
        sha256=digest,
        n_chars=len(decoded.text),
        encoding=decoded.encoding,
    )
    return decoded.text, source, decoded.warnings


def read_file(
    path: str | Path, max_chars: int = DEFAULT_MAX_CHARS
) -> tuple[str, Source, list[str]]:
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise InputError(name, "not_found", "no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(name, "unreadable", "is a directory") from exc
    except OSError as exc:
        raise InputError(name, "unreadable", f"cannot read: {exc.strerror or exc}") from exc
    return read_bytes(data, name, max_chars)
