"""A scenario as compact, exact bytes, and back.

Layout: ``VOS1`` then zlib of (4-byte header length, a JSON header, the
column blobs). The header names each column, its kind and dtype and where its
blob lies. Numbers, booleans and dates are the numpy buffer itself; text is a
JSON list (``null`` for a missing cell); nullable, categorical and tz-aware
columns keep what pandas needs to rebuild them. So every column comes back
with its dtype and every value bit for bit, and :attr:`Scenario.digest` after
a load equals the digest before the save (the store checks it on each load).

The policy is kept field by field (not as policy-sheet text, which rounds
tier shares), and checked to rebuild equal before anything is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import struct
import zlib
from typing import Any

import numpy as np
import pandas as pd

from inputs.store.errors import StoreError
from optimizer.policy import Objective, Policy
from optimizer.scenario import Scenario

MAGIC = b"VOS1"
ENCODING = "vos1"
#: zlib level: on 100,000 generated firms, level 1 encodes in about half the time of
#: level 6 (0.17 s against 0.32 s) for a blob about 20% larger (2.2 MB against 1.8 MB).
LEVEL = 1


# -- scenario -----------------------------------------------------------------------


def encode_scenario(scenario: Scenario) -> bytes:
    """The firms table and the policy as bytes (see the module text)."""
    header: dict[str, Any] = {"rows": len(scenario.firms), "policy": encode_policy(scenario.policy)}
    blobs: list[bytes] = []
    header["frame"] = _frame_meta(scenario.firms, blobs)
    return _pack(header, blobs)


def decode_scenario(data: bytes, name: str) -> Scenario:
    """The scenario kept in ``data``, named ``name``."""
    header, body = _unpack(data)
    firms = _frame(header["frame"], body)
    return Scenario(firms, decode_policy(header["policy"]), name)


def row_count(data: bytes) -> int:
    """The number of firms in ``data`` (reads the header only)."""
    header, _ = _unpack(data)
    return int(header["rows"])


def _pack(header: dict[str, Any], blobs: list[bytes]) -> bytes:
    head = json.dumps(header, ensure_ascii=False, allow_nan=False).encode("utf-8")
    compressor = zlib.compressobj(LEVEL)
    parts = [compressor.compress(struct.pack("<I", len(head)) + head)]
    for blob in blobs:
        parts.append(compressor.compress(struct.pack("<Q", len(blob))))
        parts.append(compressor.compress(blob))
    parts.append(compressor.flush())
    return MAGIC + b"".join(parts)


Blobs = list[memoryview]


def _unpack(data: bytes) -> tuple[dict[str, Any], Blobs]:
    """The header and the blobs (each blob is prefixed by its 8-byte length)."""
    if not data.startswith(MAGIC):
        raise ValueError("not a stored scenario (bad magic)")
    raw = memoryview(zlib.decompress(data[len(MAGIC):]))
    (length,) = struct.unpack_from("<I", raw)
    header: dict[str, Any] = json.loads(bytes(raw[4:4 + length]).decode("utf-8"))
    blobs, position = [], 4 + length
    while position < len(raw):
        (size,) = struct.unpack_from("<Q", raw, position)
        blobs.append(raw[position + 8:position + 8 + size])
        position += 8 + size
    return header, blobs


# -- policy -------------------------------------------------------------------------


def encode_policy(policy: Policy) -> dict[str, Any]:
    """The policy's fields as JSON data (pairs as lists); checked to rebuild equal."""
    fields = {f.name: _json_value(getattr(policy, f.name)) for f in dataclasses.fields(policy)}
    if decode_policy(fields) != policy:
        raise StoreError("store.unsupported_column", column="policy", dtype="Policy")
    return fields


def decode_policy(fields: dict[str, Any]) -> Policy:
    values = {k: _tuples(v) for k, v in fields.items()}
    values["objective"] = Objective(values["objective"])
    return Policy(**values)


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        raise StoreError("store.unsupported_column", column="policy", dtype="float")
    return str(value) if isinstance(value, Objective) else value


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


# -- firms table ----------------------------------------------------------------------


def _frame_meta(frame: pd.DataFrame, blobs: list[bytes]) -> dict[str, Any]:
    names = [_tag(c) for c in frame.columns]
    columns = [_column_meta(frame.iloc[:, j], str(frame.columns[j]), blobs)
               for j in range(frame.shape[1])]
    index = frame.index
    if isinstance(index, pd.RangeIndex):
        index_meta: dict[str, Any] = {"range": [index.start, index.stop, index.step]}
    else:
        index_meta = {"values": _column_meta(pd.Series(index), "index", blobs)}
    index_meta["name"] = _tag(index.name)
    label_meta = _column_meta(pd.Series(frame.columns), "columns", blobs)
    return {"names": names, "columns": columns, "index": index_meta, "labels": label_meta}


def _frame(meta: dict[str, Any], body: Blobs) -> pd.DataFrame:
    labels = pd.Index(_series(meta["labels"], body))
    data = {k: _series(c, body) for k, c in enumerate(meta["columns"])}
    index_meta = meta["index"]
    if "range" in index_meta:
        index: pd.Index = pd.RangeIndex(*index_meta["range"])
    else:
        index = pd.Index(_series(index_meta["values"], body))
    index.name = _untag(index_meta["name"])
    frame = pd.DataFrame({k: s.reset_index(drop=True) for k, s in data.items()})
    if not data:
        frame = pd.DataFrame(index=range(len(index)))
    frame.columns = labels
    frame.index = index
    return frame


def _add(blobs: list[bytes], blob: bytes) -> int:
    blobs.append(blob)
    return len(blobs) - 1


def _column_meta(series: pd.Series, column: str, blobs: list[bytes]) -> dict[str, Any]:
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcMm":
        values = np.ascontiguousarray(series.to_numpy())
        return {"kind": "numpy", "dtype": dtype.str, "blob": _add(blobs, values.tobytes())}
    if isinstance(dtype, pd.StringDtype):
        na = "nan" if dtype.na_value is not pd.NA else "NA"
        missing = series.isna().to_numpy()
        texts = [None if m else str(v) for v, m in zip(series.tolist(), missing, strict=True)]
        return {"kind": "string", "storage": dtype.storage, "na": na,
                "blob": _add(blobs, _json_blob(texts))}
    if isinstance(dtype, pd.CategoricalDtype):
        codes = pd.Series(series.cat.codes.to_numpy())
        categories = pd.Series(dtype.categories)
        return {"kind": "category", "ordered": bool(dtype.ordered),
                "codes": _column_meta(codes, column, blobs),
                "categories": _column_meta(categories, column, blobs)}
    if isinstance(dtype, pd.DatetimeTZDtype):
        naive = series.dt.tz_convert("UTC").dt.tz_localize(None)
        return {"kind": "datetimetz", "tz": str(dtype.tz),
                "utc": _column_meta(naive, column, blobs)}
    if isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.name in _MASKED:
        missing = series.isna().to_numpy()
        numpy_type = _MASKED[dtype.name]
        filled = series.to_numpy(dtype=numpy_type, na_value=numpy_type(0))
        return {"kind": "masked", "dtype": dtype.name,
                "values": _add(blobs, np.ascontiguousarray(filled).tobytes()),
                "mask": _add(blobs, missing.astype(np.bool_).tobytes())}
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        tagged = [_tag(v, column) for v in series.tolist()]
        return {"kind": "object", "blob": _add(blobs, _json_blob(tagged))}
    raise StoreError("store.unsupported_column", column=column, dtype=str(dtype))


_MASKED: dict[str, Any] = {
    **{f"Int{b}": getattr(np, f"int{b}") for b in (8, 16, 32, 64)},
    **{f"UInt{b}": getattr(np, f"uint{b}") for b in (8, 16, 32, 64)},
    "Float32": np.float32, "Float64": np.float64, "boolean": np.bool_,
}


def _series(meta: dict[str, Any], body: Blobs) -> pd.Series:
    kind = meta["kind"]
    if kind == "numpy":
        array = np.frombuffer(body[meta["blob"]], dtype=np.dtype(meta["dtype"])).copy()
        return pd.Series(array, copy=False)
    if kind == "string":
        na_value = np.nan if meta["na"] == "nan" else pd.NA
        dtype = pd.StringDtype(storage=meta["storage"], na_value=na_value)
        return pd.Series(_json_list(body, meta["blob"]), dtype=dtype)
    if kind == "category":
        codes = _series(meta["codes"], body).to_numpy()
        categories = pd.Index(_series(meta["categories"], body))
        cat = pd.Categorical.from_codes(codes, categories=categories, ordered=meta["ordered"])
        return pd.Series(cat)
    if kind == "datetimetz":
        utc: pd.Series = _series(meta["utc"], body).dt.tz_localize("UTC")
        return pd.Series(utc.dt.tz_convert(meta["tz"]))
    if kind == "masked":
        numpy_type = _MASKED[meta["dtype"]]
        values = np.frombuffer(body[meta["values"]], dtype=numpy_type).copy()
        mask = np.frombuffer(body[meta["mask"]], dtype=np.bool_).copy()
        array = pd.array(values, dtype=meta["dtype"])
        array[mask] = pd.NA
        return pd.Series(array)
    if kind == "object":
        cells = [_untag(v) for v in _json_list(body, meta["blob"])]
        return pd.Series(cells, dtype=object)
    raise ValueError(f"unknown column kind {kind!r}")


def _json_blob(values: list[Any]) -> bytes:
    return json.dumps(values, ensure_ascii=False, allow_nan=False).encode("utf-8", "surrogatepass")


def _json_list(body: Blobs, number: int) -> list[Any]:
    values: list[Any] = json.loads(bytes(body[number]).decode("utf-8", "surrogatepass"))
    return values


# -- single values (object columns, labels) -----------------------------------------------


def _tag(value: Any, column: str = "labels") -> Any:
    """A value as JSON: text as itself, anything else as ``[tag, payload]``."""
    if isinstance(value, str):
        return value
    if value is None:
        return ["none"]
    if value is pd.NA:
        return ["NA"]
    if value is pd.NaT:
        return ["NaT"]
    if isinstance(value, bool | np.bool_):
        return ["bool", bool(value)]
    if isinstance(value, int | np.integer):
        return ["int", int(value)]
    if isinstance(value, float | np.floating):
        return ["float", float(value).hex()]
    if isinstance(value, pd.Timestamp):
        return ["ts", value.isoformat(), value.unit]
    if isinstance(value, dt.datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, dt.date):
        return ["date", value.isoformat()]
    raise StoreError("store.unsupported_column", column=column, dtype=type(value).__name__)


def _untag(value: Any) -> Any:
    if isinstance(value, str):
        return value
    tag, *rest = value
    if tag == "none":
        return None
    if tag == "NA":
        return pd.NA
    if tag == "NaT":
        return pd.NaT
    if tag == "bool":
        return bool(rest[0])
    if tag == "int":
        return int(rest[0])
    if tag == "float":
        return float.fromhex(rest[0])
    if tag == "ts":
        return pd.Timestamp(rest[0]).as_unit(rest[1])
    if tag == "datetime":
        return dt.datetime.fromisoformat(rest[0])
    if tag == "date":
        return dt.date.fromisoformat(rest[0])
    raise ValueError(f"unknown value tag {tag!r}")
