"""Records as plain JSON and back, for the cache: only named types of this package are ever rebuilt.

Nothing read here can run code. ``decode`` knows a fixed list of frozen dataclasses and enumerations
(the records, their parts, problems) and rebuilds them through their own constructors, after checking
that the stored fields are exactly the class's; every other shape is refused with ``PlainDataError``,
which the cache treats as a miss. Unlike pickle, no name read from the file is ever imported or called.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from enum import Enum
from typing import Any, cast

from generator.errors import Problem, Severity
from generator.model import (
    Body,
    CaseStudy,
    Contact,
    CynefinDomain,
    EventReport,
    FreePage,
    Method,
    Origin,
    Partial,
    Participant,
    SiteConfig,
    Source,
    Stage,
    Status,
    Topic,
    Translation,
    YearOrDate,
)

__all__ = ["PlainDataError", "encode", "decode"]

# The only classes a cache entry can hold; a name not listed here is refused, never looked up.
_DATACLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Origin,
        YearOrDate,
        Source,
        Contact,
        Participant,
        Topic,
        SiteConfig,
        Body,
        CaseStudy,
        EventReport,
        Method,
        FreePage,
        Translation,
        Partial,
        Problem,
    )
}
_ENUMS: dict[str, type[Enum]] = {cls.__name__: cls for cls in (CynefinDomain, Status, Stage, Severity)}
_DEPTH = 64  # records nest a few levels; anything deeper is not one of them


class PlainDataError(ValueError):
    """What was read is not a value this module writes."""


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value``: tuples as lists, everything else tagged by its kind."""
    if isinstance(value, Enum):  # first: a StrEnum is also a str
        name = type(value).__name__
        if _ENUMS.get(name) is not type(value):
            raise PlainDataError(f"cannot store {name}")
        return {"enum": name, "value": value.value}
    if value is None or type(value) in (bool, str, int, float):
        return value
    if isinstance(value, tuple):
        return [encode(item) for item in value]
    if isinstance(value, list):
        return {"list": [encode(item) for item in value]}
    if isinstance(value, frozenset):
        return {"frozenset": [encode(item) for item in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    name = type(value).__name__
    if _DATACLASSES.get(name) is type(value):
        return {
            "type": name,
            "fields": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(cast(Any, value)) if f.init},
        }
    raise PlainDataError(f"cannot store {name}")


def decode(data: Any, depth: int = 0) -> Any:
    """The value ``encode`` gave ``data``; PlainDataError for anything else."""
    if depth > _DEPTH:
        raise PlainDataError("nested too deeply")
    if data is None or isinstance(data, bool | str | int | float):
        return data
    if isinstance(data, list):
        return tuple(decode(item, depth + 1) for item in data)
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise PlainDataError("not a stored value")
    try:
        return _decode_tagged(data, depth)
    except PlainDataError:
        raise
    except (KeyError, TypeError, ValueError, OverflowError) as exc:  # a constructor refused the stored fields
        raise PlainDataError(f"not a stored value: {type(exc).__name__}") from None


def _decode_tagged(data: dict[str, Any], depth: int) -> Any:
    if set(data) == {"type", "fields"}:
        cls = _DATACLASSES[data["type"]]
        fields = data["fields"]
        expected = {f.name for f in dataclasses.fields(cls) if f.init}
        if not isinstance(fields, dict) or set(fields) != expected:
            raise PlainDataError(f"the fields of {data['type']} differ")
        return cls(**{name: decode(value, depth + 1) for name, value in fields.items()})
    if set(data) == {"enum", "value"}:
        return _ENUMS[data["enum"]](data["value"])
    ((tag, inner),) = data.items()
    if tag in ("list", "frozenset", "dict") and not isinstance(inner, list):
        raise PlainDataError(f"{tag} is not a list")
    if tag == "list":
        return [decode(item, depth + 1) for item in inner]
    if tag == "frozenset":
        return frozenset(decode(item, depth + 1) for item in inner)
    if tag == "dict":
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in inner}
    if tag == "datetime" and isinstance(inner, str):
        return dt.datetime.fromisoformat(inner)
    if tag == "date" and isinstance(inner, str):
        return dt.date.fromisoformat(inner)
    if tag == "bytes" and isinstance(inner, str):
        return base64.b64decode(inner, validate=True)
    raise PlainDataError(f"unknown tag {tag!r}")
