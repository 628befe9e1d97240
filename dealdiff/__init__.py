"""dealdiff: typed deal terms from agreement text, and what changed between two versions.

>>> import dealdiff
>>> agreement = dealdiff.parse_text(
...     'Licensee shall pay to Licensor a royalty of five percent (5%) of Net Sales.')
>>> [(t.type.value, t.status.value, t.rate) for t in agreement.terms]
[('revenue_share', 'active', Decimal('5'))]
"""

from __future__ import annotations

from .api import load, load_text, parse_file, parse_text
from .check import CheckResult, Finding, check
from .diff import Change, ChangeKind, DiffResult, Severity, diff
from .errors import DealdiffError, InputError, RulesError, SourceError, UsageError
from .model import (
    Agreement,
    CloudCommitment,
    Commitment,
    Exclusivity,
    MinimumCommitment,
    Party,
    PriorityAccess,
    RevenueShare,
    Term,
    TermType,
)
from .spans import Span
from .termfile import dumps as dumps_terms
from .termfile import loads as loads_terms

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "parse_text",
    "parse_file",
    "load",
    "load_text",
    "diff",
    "DiffResult",
    "Change",
    "ChangeKind",
    "Severity",
    "Agreement",
    "Party",
    "Term",
    "TermType",
    "Exclusivity",
    "RevenueShare",
    "PriorityAccess",
    "Commitment",
    "CloudCommitment",
    "MinimumCommitment",
    "Span",
    "check",
    "CheckResult",
    "Finding",
    "loads_terms",
    "dumps_terms",
    "DealdiffError",
    "InputError",
    "SourceError",
    "RulesError",
    "UsageError",
]
