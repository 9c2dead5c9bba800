"""The encoding of a CSV, detected honestly: UTF-8, UTF-16 or GB18030, or a clear refusal.

- a byte-order mark decides (UTF-8, UTF-16 LE/BE);
- UTF-16 without a mark is recognised by its zero bytes;
- otherwise UTF-8 if the bytes are valid UTF-8, else GB18030;
- text that GB18030 would read but that looks like Big5 (traditional Chinese,
  whose second bytes often fall in 0x40–0x7E, where simplified GB2312 text
  never has one) is refused as "likely Big5" instead of being garbled.

>>> decode_text("企业编号".encode("utf-16"), "a.csv")
'企业编号'
>>> decode_text("企业编号".encode("gb18030"), "a.csv")
'企业编号'
>>> decode_text("企業編號,規模".encode("big5"), "a.csv")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
inputs.errors.InputError: a.csv: looks like Big5 (traditional Chinese) text; save it as UTF-8...
"""

from __future__ import annotations

import codecs

from inputs.errors import InputError

#: Share of double-byte pairs with a low second byte above which text is taken for Big5.
BIG5_SHARE = 0.2


def decode_text(data: bytes, source: str) -> str:
    """CSV bytes as text; see the module for the rules.

    Raises
    ------
    InputError
        ``input.csv.big5`` for likely Big5 text, ``input.csv.encoding`` for
        bytes no supported encoding reads.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _decode(data[len(codecs.BOM_UTF8):], "utf-8", source)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(data, "utf-16", source)
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) * 4 >= len(sample):  # ASCII-heavy UTF-16, no mark
        evens, odds = sample[0::2].count(0), sample[1::2].count(0)
        return _decode(data, "utf-16-be" if evens > odds else "utf-16-le", source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if looks_like_big5(data):
        raise InputError("input.csv.big5", file=source)
    return _decode(data, "gb18030", source)


def looks_like_big5(data: bytes) -> bool:
    """Whether non-UTF-8 bytes read as Big5 and have the Big5 second-byte pattern."""
    try:
        data.decode("big5")
    except UnicodeDecodeError:
        return False
    pairs = low = 0
    i = 0
    while i < len(data) - 1:
        if data[i] >= 0x81:
            pairs += 1
            low += 0x40 <= data[i + 1] <= 0x7E
            i += 2
        else:
            i += 1
    return pairs >= 2 and low / pairs > BIG5_SHARE


def _decode(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise InputError("input.csv.encoding", file=source) from None
