"""A small JSON Schema (draft 2020-12) validator for the subset dealdiff's schemas use.

jsonschema is not a dependency; the tests only need type, enum, const, pattern, minimum,
required, properties, additionalProperties, items, $ref, oneOf and allOf with if/then.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = ["schema_errors"]


def schema_errors(
    value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$"
) -> Iterator[str]:
    """Every way in which ``value`` breaks ``schema`` (``root`` resolves ``$ref``)."""
    if "oneOf" in schema:
        passing = [s for s in schema["oneOf"] if not list(schema_errors(value, s, root, path))]
        if len(passing) != 1:
            yield f"{path}: matches {len(passing)} of the oneOf schemas, not exactly one"
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        yield from schema_errors(value, target, root, path)
    kinds = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "null": type(None),
        "boolean": bool,
    }
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, kinds[t]) and not (t in ("integer", "number") and value is True)
            for t in types
        )
        if not ok:
            yield f"{path}: {value!r} is not of type {types}"
            return
    if "enum" in schema and value not in schema["enum"]:
        yield f"{path}: {value!r} not in {schema['enum']}"
    if "const" in schema and value != schema["const"]:
        yield f"{path}: {value!r} != {schema['const']!r}"
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        yield f"{path}: {value!r} does not match {schema['pattern']}"
    if isinstance(value, int | float) and "minimum" in schema and value < schema["minimum"]:
        yield f"{path}: {value} < {schema['minimum']}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                yield f"{path}: missing {key!r}"
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                yield from schema_errors(item, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                yield f"{path}: unexpected key {key!r}"
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            yield from schema_errors(item, schema["items"], root, f"{path}[{i}]")
    for sub in schema.get("allOf", []):
        if "if" in sub:
            if not list(schema_errors(value, sub["if"], root, path)):
                yield from schema_errors(value, sub["then"], root, path)
        else:
            yield from schema_errors(value, sub, root, path)
