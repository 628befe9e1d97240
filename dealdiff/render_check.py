"""Renderers for ``dealdiff check`` results: pure functions from a result to a string.

Formats: ``text`` (people), ``json`` (``dealdiff/schemas/check.schema.json``), ``github``
(workflow annotation commands), ``sarif`` (SARIF 2.1.0, for code scanning) and ``junit``
(JUnit XML, for CI test reports).

>>> from dealdiff.check import CheckResult, Finding, Severity
>>> f = Finding(rule="rate-out-of-range", severity=Severity.ERROR, file="deal.terms",
...             line=3, column=9, message="rate 120% is over 100%",
...             fingerprint="0123456789abcdef")
>>> print(render_github(CheckResult(findings=(f,), files=("deal.terms",))), end="")
::error file=deal.terms,line=3,col=9,title=rate-out-of-range::rate 120%25 is over 100%25
1 error in 1 file
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from .check import CheckResult, Finding, Severity

__all__ = [
    "FORMATS",
    "render",
    "render_text",
    "render_json",
    "render_github",
    "render_sarif",
    "render_junit",
    "finding_to_dict",
    "CHECK_FORMAT_VERSION",
    "SARIF_SCHEMA",
]

#: Bumped when the JSON layout changes incompatibly.
CHECK_FORMAT_VERSION = 1
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _uri(path: str) -> str:
    return path.replace(os.sep, "/")


def render_text(result: CheckResult) -> str:
    """``file:line:col: severity: message [rule fingerprint]``, the caret context, a summary."""
    out: list[str] = []
    for f in result.findings:
        out.append(f"{f.location}: {f.severity.value}: {f.message} [{f.rule} {f.fingerprint}]")
        if f.context:
            out.extend("    " + line for line in f.context.splitlines())
    out.append(result.summary())
    return "\n".join(out) + "\n"


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """A finding as JSON-ready data."""
    data: dict[str, Any] = {
        "rule": f.rule,
        "severity": f.severity.value,
        "category": f.category,
        "message": f.message,
        "file": _uri(f.file),
        "line": f.line,
        "column": f.column,
        "fingerprint": f.fingerprint,
    }
    if f.reason is not None:
        data["reason"] = f.reason
    return data


def render_json(result: CheckResult) -> str:
    """One JSON document: summary counts, findings, suppressed findings."""
    doc = {
        "version": CHECK_FORMAT_VERSION,
        "summary": {
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
            "suppressed": len(result.suppressed),
            "files": len(result.files),
            "failed": result.failed,
            "fail_on": result.fail_on.value,
            "text": result.summary(),
        },
        "findings": [finding_to_dict(f) for f in result.findings],
        "suppressed": [finding_to_dict(f) for f in result.suppressed],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` a finding."""
    out: list[str] = []
    for f in result.findings:
        props = [f"file={_escape_property(_uri(f.file))}"]
        if f.line is not None:
            props.append(f"line={f.line}")
            if f.column is not None:
                props.append(f"col={f.column}")
        props.append(f"title={_escape_property(f.rule)}")
        out.append(f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{_escape_data(f.message)}")
    out.append(result.summary())
    return "\n".join(out) + "\n"


def _sarif_result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(f.file)}}
    if f.line is not None:
        location["region"] = {"startLine": f.line, "startColumn": f.column or 1}
    data: dict[str, Any] = {
        "ruleId": f.rule,
        "level": _SARIF_LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {"dealdiff/v1": f.fingerprint},
    }
    if f.rule in index:
        data["ruleIndex"] = index[f.rule]
    if f.reason is not None:
        data["suppressions"] = [{"kind": "external", "justification": f.reason}]
    return data


def render_sarif(result: CheckResult) -> str:
    """A SARIF 2.1.0 log with one run; suppressed findings carry a ``suppressions`` entry."""
    from . import __version__

    rules = [
        {
            "id": r.id,
            "name": r.id,
            "shortDescription": {"text": r.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
            "properties": {"category": r.category},
        }
        for r in result.rules
    ]
    index = {r.id: i for i, r in enumerate(result.rules)}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dealdiff",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/dealdiff/",
                        "rules": rules,
                    }
                },
                # Columns count characters (code points), as everywhere in dealdiff.
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(f, index) for f in result.findings]
                + [_sarif_result(f, index) for f in result.suppressed],
                "artifacts": [{"location": {"uri": _uri(p)}} for p in result.files],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def render_junit(result: CheckResult) -> str:
    """JUnit XML: one test case a file; findings at or above ``--fail-on`` are failures."""
    by_file: dict[str, list[Finding]] = {path: [] for path in result.files}
    for f in result.findings:
        by_file.setdefault(f.file, []).append(f)
    failing = [p for p, fs in by_file.items() if any(_fails(result, f) for f in fs)]
    suites = ET.Element(
        "testsuites",
        name="dealdiff check",
        tests=str(len(by_file)),
        failures=str(len(failing)),
        errors="0",
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="dealdiff check",
        tests=str(len(by_file)),
        failures=str(len(failing)),
        errors="0",
        skipped="0",
    )
    for path, findings in by_file.items():
        case = ET.SubElement(suite, "testcase", classname="dealdiff.check", name=_uri(path))
        failures = [f for f in findings if _fails(result, f)]
        if failures:
            first = failures[0]
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(failures)} finding(s); first: {first.message}",
                type=first.rule,
            )
            failure.text = "\n".join(_line(f) for f in failures)
        others = [f for f in findings if not _fails(result, f)]
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in others)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _fails(result: CheckResult, f: Finding) -> bool:
    return f.severity.rank >= result.fail_on.rank


def _line(f: Finding) -> str:
    return f"{f.location}: {f.severity.value}: {f.message} [{f.rule} {f.fingerprint}]"


#: Renderer by ``--format`` name.
FORMATS: dict[str, Callable[[CheckResult], str]] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
    "junit": render_junit,
}


def render(result: CheckResult, fmt: str) -> str:
    """Render ``result`` in the format named ``fmt`` (one of :data:`FORMATS`)."""
    return FORMATS[fmt](result)
