"""Bytes of a text export to text: a byte-order mark first, then strict UTF-8, then the
Windows code pages spreadsheets write.

Guessing is kept small on purpose: general detectors rank unlikely code pages first on short
business files (a Windows-1252 export comes out as Mac Central European), so
charset-normalizer only breaks a tie between the few code pages that decode the file
without a single undefined byte.
"""

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes

from integrations.importers.report import FileRefused, RowError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Tried in order after UTF-8; the first is the usual one (Western Excel on Windows).
CODE_PAGES = ("cp1252", "cp1250", "cp1251")
#: What may be asked for explicitly.
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252", "cp1250", "cp1251", "latin-1")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Return ``data`` as text, in ``encoding`` when given, else in the one detected; refuse
    bytes that no candidate reads, naming the line of the first bad byte."""
    if encoding:
        return Decoded(_strict(data, encoding), encoding)
    for bom, name in BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data, name), name)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    readable = [name for name in CODE_PAGES if _decodes(data, name)]
    if not readable:
        try:
            data.decode(CODE_PAGES[0])
        except UnicodeDecodeError as exc:  # the byte that no Western spreadsheet writes
            raise FileRefused([_undecodable(data, exc.start)]) from None
    name = readable[0] if len(readable) == 1 else _tie_break(data, readable)
    return Decoded(data.decode(name), name)


def _decodes(data: bytes, name: str) -> bool:
    try:
        data.decode(name)
    except UnicodeDecodeError:
        return False
    return True


def _tie_break(data: bytes, candidates: list[str]) -> str:
    """Return the code page whose text looks least garbled, the usual one when it ties
    (code pages that agree on a file's bytes read it the same)."""
    matches = list(from_bytes(data[:65536], cp_isolation=candidates))
    if not matches:
        return candidates[0]
    least = min(match.chaos for match in matches)
    calm = [match for match in matches if match.chaos == least]
    readings = {codecs.lookup(name).name for m in calm for name in m.could_be_from_charset}
    for name in candidates:
        if codecs.lookup(name).name in readings:
            return name
    return candidates[0]


def _strict(data: bytes, name: str) -> str:
    try:
        return data.decode(name)
    except UnicodeDecodeError as exc:
        raise FileRefused([_undecodable(data, exc.start, name)]) from None
    except LookupError:
        raise FileRefused([RowError(0, "", f"Unknown encoding {name!r}.")]) from None


def _undecodable(data: bytes, offset: int, name: str = "") -> RowError:
    line = data.count(b"\n", 0, offset) + 1
    tried = name or "UTF-8 or a Windows code page"
    return RowError(
        line,
        "",
        f"The file is not text in {tried}: byte 0x{data[offset]:02X} on this line is not "
        'a character. Save it as "CSV UTF-8" and upload it again.',
    )
