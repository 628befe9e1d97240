"""Renderers for parse results: pure functions from agreements to text."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from .model import Agreement, Term
from .serialize import agreement_to_dict
from .values import Money, Period

__all__ = ["format_value", "term_summary", "agreement_text", "agreement_json"]


def format_value(name: str, value: Any) -> str:
    """A field value for people: ``20%``, ``USD 10,000,000,000``, ``P5Y``, ``2030-12-31``.

    >>> format_value("rate", Decimal("12.5"))
    '12.5%'
    """
    if value is None:
        return "-"
    if name == "rate" and isinstance(value, Decimal):
        return f"{value.normalize():f}%"
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, Period):
        return value.iso()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) or "-"
    return str(getattr(value, "value", value))


def term_summary(term: Term) -> str:
    """The fields of a term that are set, as ``name=value`` pairs (status first)."""
    fields = term.fields()
    parts = [format_value("status", fields.pop("status"))]
    amount = fields.pop("amount", None)
    currency = fields.pop("currency", None)
    if amount is not None:
        parts.append(f"amount={currency or ''} {amount:,f}".replace("= ", "="))
    elif currency:
        parts.append(f"amount={currency} [redacted]")
    for name, value in fields.items():
        if value is None or value == ():
            continue
        parts.append(f"{name}={format_value(name, value)}")
    return " ".join(parts)


def agreement_text(agreement: Agreement) -> str:
    """A short human-readable listing of an agreement's terms."""
    lines = []
    parties = ", ".join(
        f'{p.name} ("{p.key}")' if p.aliases and p.key != p.name else p.name
        for p in agreement.parties
    )
    count = len(agreement.terms)
    head = f"{agreement.source}: {count} term{'s' if count != 1 else ''}"
    lines.append(head + (f"; parties: {parties}" if parties else ""))
    for term in agreement.terms:
        where = f"§{term.section}" if term.section else ""
        if term.span is not None:
            where = (where + " " if where else "") + f"line {term.span.line}"
        lines.append(f"  {term.type.value:<19} {term_summary(term)}  [{where}]")
    return "\n".join(lines) + "\n"


def agreement_json(agreement: Agreement, *, indent: int | None = 2) -> str:
    """The JSON document of ``dealdiff parse --format json``."""
    return json.dumps(agreement_to_dict(agreement), indent=indent, ensure_ascii=False)
