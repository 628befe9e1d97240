"""Terms and agreements to and from plain JSON-ready data.

The encoding is the one ``dealdiff parse --format json`` writes and the JSON Schema in
``dealdiff/schemas/agreement.schema.json`` describes: field names as in the model plus
``"type"``; money amounts and rates as JSON numbers, dates as ISO 8601 (``2030-12-31``),
periods as ISO 8601 durations (``P5Y``), spans as ``{"start", "end", "line", "column"}``.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from .errors import InputError
from .model import TERM_CLASSES, Agreement, Party, Term
from .spans import Span
from .values import Period

__all__ = [
    "FORMAT_VERSION",
    "encode_value",
    "term_to_dict",
    "term_from_dict",
    "agreement_to_dict",
    "agreement_from_dict",
]

#: Bumped when the JSON layout changes incompatibly.
FORMAT_VERSION = 1

_LOCATION_FIELDS = ("span", "text", "section", "rule")


def encode_value(value: Any) -> Any:
    """One field value in its JSON form.

    >>> encode_value(Decimal("12.50")), encode_value(dt.date(2030, 12, 31))
    (12.5, '2030-12-31')
    """
    if value is None or isinstance(value, bool | int | str) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Period):
        return value.iso()
    if isinstance(value, Span):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [encode_value(v) for v in value]
    raise TypeError(f"cannot encode {type(value).__name__}")


def term_to_dict(term: Term, *, location: bool = True) -> dict[str, Any]:
    """A term as JSON-ready data: ``type``, its fields, and (``location``) where it is."""
    out: dict[str, Any] = {"type": str(term.type)}
    for name, value in term.fields().items():
        out[name] = encode_value(value)
    if location:
        out["span"] = term.span.to_dict() if term.span else None
        if term.spans:
            out["spans"] = [s.to_dict() for s in term.spans]
        out["text"] = term.text
        out["section"] = term.section
        out["rule"] = term.rule
    return out


def _decode_field(cls: type[Term], name: str, value: Any) -> Any:
    field = attrs.fields_dict(cls)[name]
    kind = str(field.type)
    if value is None:
        return None
    if "Decimal" in kind:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("expected a number")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    if "dt.date" in kind:
        if not isinstance(value, str):
            raise ValueError("expected an ISO date such as 2030-12-31")
        return dt.date.fromisoformat(value)
    if "Period" in kind:
        if not isinstance(value, str):
            raise ValueError("expected an ISO 8601 period such as P5Y")
        return Period.from_iso(value)
    if "tuple" in kind:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("expected a list of strings")
        return tuple(value)
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def term_from_dict(data: Any, *, file: str = "<data>") -> Term:
    """Build a term from JSON data; raises InputError naming the field on bad data."""
    if not isinstance(data, dict):
        raise InputError("a term must be a JSON object", file=file)
    type_name = data.get("type")
    cls = TERM_CLASSES.get(str(type_name))
    if cls is None:
        known = ", ".join(sorted(TERM_CLASSES))
        raise InputError(f"unknown term type {type_name!r} (known: {known})", file=file)
    names = {f.name for f in attrs.fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "type":
            continue
        if key not in names:
            raise InputError(f"{type_name}: unknown field {key!r}", file=file)
        try:
            if key == "span":
                kwargs[key] = Span.from_dict(value) if value else None
            elif key == "spans":
                if not isinstance(value, list):
                    raise ValueError("expected a list of spans")
                kwargs[key] = tuple(Span.from_dict(v) for v in value)
            elif key in ("text", "section", "rule"):
                kwargs[key] = value if value is None or key != "text" else str(value)
            else:
                kwargs[key] = _decode_field(cls, key, value)
        except (ValueError, TypeError, KeyError) as exc:
            raise InputError(f"{type_name}.{key}: {exc}", file=file) from None
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{type_name}: {exc}", file=file) from None


def agreement_to_dict(agreement: Agreement) -> dict[str, Any]:
    """An agreement as the JSON document ``dealdiff parse --format json`` writes."""
    return {
        "source": agreement.source,
        "title": agreement.title,
        "date": encode_value(agreement.date),
        "parties": [{"name": p.name, "aliases": list(p.aliases)} for p in agreement.parties],
        "terms": [term_to_dict(t) for t in agreement.terms],
    }


def agreement_from_dict(data: Any, *, file: str = "<data>") -> Agreement:
    """Read back what :func:`agreement_to_dict` wrote."""
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        raise InputError('expected a JSON object with a "terms" list', file=file)
    parties = []
    for p in data.get("parties") or []:
        if not isinstance(p, dict) or not isinstance(p.get("name"), str):
            raise InputError('each party needs a "name"', file=file)
        parties.append(Party(name=p["name"], aliases=p.get("aliases") or ()))
    date = data.get("date")
    try:
        parsed_date = dt.date.fromisoformat(date) if isinstance(date, str) else None
    except ValueError:
        raise InputError(f"date: not an ISO date: {date!r}", file=file) from None
    return Agreement(
        source=str(data.get("source") or file),
        title=data.get("title"),
        date=parsed_date,
        parties=tuple(parties),
        terms=tuple(term_from_dict(t, file=file) for t in data["terms"]),
    )
