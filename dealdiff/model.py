"""The typed deal-term model: parties, the four term types, and the agreement.

Terms are frozen attrs classes. Where a term sits (span, text, section) and which rule
found it ride along with ``eq=False``: moving or rewording a clause does not change
what a term *is*.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from .spans import Span
from .values import Period

__all__ = [
    "TermType",
    "ExclusivityStatus",
    "RevenueShareStatus",
    "PriorityStatus",
    "PriorityKind",
    "CommitmentStatus",
    "Party",
    "Term",
    "Exclusivity",
    "RevenueShare",
    "PriorityAccess",
    "Commitment",
    "CloudCommitment",
    "MinimumCommitment",
    "Agreement",
    "TERM_CLASSES",
    "NEGATIVE_STATUSES",
]


class TermType(enum.StrEnum):
    EXCLUSIVITY = "exclusivity"
    REVENUE_SHARE = "revenue_share"
    PRIORITY_ACCESS = "priority_access"
    CLOUD_COMMITMENT = "cloud_commitment"
    MINIMUM_COMMITMENT = "minimum_commitment"


class ExclusivityStatus(enum.StrEnum):
    EXCLUSIVE = "exclusive"
    NON_EXCLUSIVE = "non_exclusive"


class RevenueShareStatus(enum.StrEnum):
    ACTIVE = "active"
    CEASED = "ceased"


class PriorityStatus(enum.StrEnum):
    GRANTED = "granted"
    REVOKED = "revoked"


class PriorityKind(enum.StrEnum):
    PRIORITY = "priority"
    ROFR = "rofr"
    ROFO = "rofo"
    ROFN = "rofn"
    OPTION = "option"


class CommitmentStatus(enum.StrEnum):
    COMMITTED = "committed"
    RELEASED = "released"


#: Statuses that claim the term does not (or no longer) apply.
NEGATIVE_STATUSES = frozenset({"non_exclusive", "ceased", "revoked", "released"})


def _tuple_of_str(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


def _optional_decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


@attrs.frozen(kw_only=True)
class Party:
    """A party to the agreement: its full ``name`` and the ``aliases`` it is defined as."""

    name: str
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    span: Span | None = attrs.field(default=None, eq=False)

    @property
    def key(self) -> str:
        """The short name used in terms: the first defined alias, else the name."""
        return self.aliases[0] if self.aliases else self.name


@attrs.frozen(kw_only=True)
class Term:
    """Fields every term has. Subclasses add the fields of their type."""

    type: ClassVar[TermType]
    #: Field names that say what the term is about; used to pair terms across versions.
    identity: ClassVar[tuple[str, ...]] = ()

    status: str
    span: Span | None = attrs.field(default=None, eq=False)
    #: Every piece of the evidence, in order, when page furniture (a page number, a running
    #: header) interrupts it or a table's lead-in stands apart from its rows; ``span`` is
    #: then the first piece. Empty when it is one piece.
    spans: tuple[Span, ...] = attrs.field(default=(), eq=False, converter=_to_tuple)
    text: str = attrs.field(default="", eq=False)
    section: str | None = attrs.field(default=None, eq=False)
    rule: str | None = attrs.field(default=None, eq=False)

    @property
    def pieces(self) -> tuple[Span, ...]:
        """Every piece of the evidence, in order: ``text`` is their text, joined by newlines."""
        if self.spans:
            return self.spans
        return (self.span,) if self.span is not None else ()

    @property
    def negative(self) -> bool:
        """True when the term says the right or duty does not (or no longer) exist."""
        return self.status in NEGATIVE_STATUSES

    def fields(self) -> dict[str, Any]:
        """The meaningful fields (those that take part in equality), by name."""
        return {f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.eq}


@attrs.frozen(kw_only=True)
class Exclusivity(Term):
    type = TermType.EXCLUSIVITY
    identity = ("holder", "subject")

    status: str = attrs.field(default=ExclusivityStatus.EXCLUSIVE, converter=ExclusivityStatus)
    holder: str | None = None
    grantor: str | None = None
    subject: str | None = None
    territory: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    end: dt.date | None = None
    #: What the exclusivity does not cover, from the agreement's carve-outs ("The exclusivity
    #: obligations of Section 4 shall not apply to inference workloads").
    exceptions: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)


@attrs.frozen(kw_only=True)
class RevenueShare(Term):
    type = TermType.REVENUE_SHARE
    identity = ("payer", "payee", "base")

    status: str = attrs.field(default=RevenueShareStatus.ACTIVE, converter=RevenueShareStatus)
    payer: str | None = None
    payee: str | None = None
    rate: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    base: str | None = None
    end: dt.date | None = None
    condition: str | None = None


@attrs.frozen(kw_only=True)
class PriorityAccess(Term):
    type = TermType.PRIORITY_ACCESS
    identity = ("kind", "holder", "subject")

    status: str = attrs.field(default=PriorityStatus.GRANTED, converter=PriorityStatus)
    kind: str = attrs.field(default=PriorityKind.PRIORITY, converter=PriorityKind)
    holder: str | None = None
    grantor: str | None = None
    subject: str | None = None
    #: How long the holder has to exercise the right, or the parties to negotiate.
    period: Period | None = None


@attrs.frozen(kw_only=True)
class Commitment(Term):
    """A spend or purchase commitment: what the ``committer`` must buy from the ``provider``."""

    identity = ("committer", "provider", "subject")

    status: str = attrs.field(default=CommitmentStatus.COMMITTED, converter=CommitmentStatus)
    committer: str | None = None
    provider: str | None = None
    amount: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    currency: str | None = None
    quantity: Decimal | None = attrs.field(default=None, converter=_optional_decimal)
    unit: str | None = None
    period: Period | None = None
    subject: str | None = None
    end: dt.date | None = None
    #: What the commitment does not cover, from the agreement's carve-outs ("The purchase
    #: obligation in Section 3.1 shall not apply to Products that Supplier fails to deliver").
    exceptions: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)


@attrs.frozen(kw_only=True)
class CloudCommitment(Commitment):
    """A commitment to spend on cloud or compute services."""

    type = TermType.CLOUD_COMMITMENT


@attrs.frozen(kw_only=True)
class MinimumCommitment(Commitment):
    """A minimum purchase, order, spend or volume commitment on anything else."""

    type = TermType.MINIMUM_COMMITMENT


#: Term class by type name, as written in JSON and term files.
TERM_CLASSES: dict[str, type[Term]] = {
    TermType.EXCLUSIVITY: Exclusivity,
    TermType.REVENUE_SHARE: RevenueShare,
    TermType.PRIORITY_ACCESS: PriorityAccess,
    TermType.CLOUD_COMMITMENT: CloudCommitment,
    TermType.MINIMUM_COMMITMENT: MinimumCommitment,
}


@attrs.frozen(kw_only=True)
class Agreement:
    """One version of an agreement: where it came from, who signed, and its terms."""

    source: str
    title: str | None = None
    date: dt.date | None = None
    parties: tuple[Party, ...] = attrs.field(default=(), converter=_to_tuple)
    terms: tuple[Term, ...] = attrs.field(default=(), converter=_to_tuple)
    text: str | None = attrs.field(default=None, eq=False, repr=False)
