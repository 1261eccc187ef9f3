"""What the code says about the Z-API surface, read from the code itself (for ``compat_doc``).

- routes: the app's OpenAPI document (every route with its tags and its 501 answer, if it has one);
- webhooks: ``dispatch/transform.py``'s syntax tree (which payload ``type`` each event class leads to, which
  content key each content class becomes) and the engines' syntax trees (which events, content classes and
  notification kinds each engine's worker builds).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.api.account import PREFIX
from gateway.api.app import create_app
from gateway.api.openapi import build_openapi
from gateway.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]
TRANSFORM = ROOT / "dispatch" / "transform.py"
_WORKER = ROOT / "gateway" / "worker"
_COMMON = sorted(_WORKER.glob("*.py"))  # session, sender, behaviours...: the same for every engine
ENGINE_SOURCES: dict[str, list[Path]] = {
    "sandbox": [*_COMMON, *sorted((_WORKER / "engines" / "sandbox").rglob("*.py")),
                *sorted((ROOT / "gateway" / "core").glob("sandbox_*.py"))],  # sandbox_spec + its kinds' modules
    "neonize": [*_COMMON, *sorted((_WORKER / "engines" / "neonize").rglob("*.py"))],
}
UNSUPPORTED_TAG = "unsupported"  # the tag of gateway/api/unsupported.py's routes


def route_key(method: str, path: str) -> tuple[str, str]:
    """(verb, path with every ``{parameter}`` made ``{}``), instance routes relative to their prefix."""
    if path.startswith(PREFIX + "/"):
        path = path[len(PREFIX):]
    return method.upper(), re.sub(r"\{[^}]*\}", "{}", path)


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str  # as the app has it
    tags: tuple[str, ...]
    unsupported: str | None  # the 501 message of a route that always answers 501


def app_routes() -> dict[tuple[str, str], Route]:
    """Every route of the API document, by ``route_key``."""
    document = build_openapi(create_app(Settings()))
    routes: dict[tuple[str, str], Route] = {}
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            tags = tuple(op.get("tags", ()))
            why = None
            if UNSUPPORTED_TAG in tags:
                why = str(op["responses"]["501"]["content"]["application/json"]["example"]["message"])
            routes[route_key(method, path)] = Route(method.upper(), path, tags, why)
    return routes


# syntax trees ------------------------------------------------------------------------------------------
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _docstrings(tree: ast.Module) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


@dataclass(slots=True)
class CodeFacts:
    """The string literals (docstrings aside), f-string shapes and called names of some modules."""

    strings: set[str] = field(default_factory=set)
    shapes: list[re.Pattern[str]] = field(default_factory=list)
    calls: set[str] = field(default_factory=set)

    def says(self, text: str) -> bool:
        return text in self.strings or any(p.fullmatch(text) for p in self.shapes)


def code_facts(paths: Iterable[Path]) -> CodeFacts:
    facts = CodeFacts()
    for path in paths:
        tree = _tree(path)
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
                facts.strings.add(node.value)
            elif isinstance(node, ast.JoinedStr):
                head = node.values[0] if node.values else None
                if isinstance(head, ast.Constant) and re.fullmatch(r"[A-Z][A-Z_]{2,}", str(head.value)):
                    parts = [re.escape(str(v.value)) if isinstance(v, ast.Constant) else "[A-Z_]+"
                             for v in node.values]  # f"CALL_{media}": CALL_ then a name
                    facts.shapes.append(re.compile("".join(parts)))
            elif isinstance(node, ast.Call):
                func = node.func
                facts.calls.add(func.id if isinstance(func, ast.Name) else
                                func.attr if isinstance(func, ast.Attribute) else "")
    return facts


def _isinstance_classes(test: ast.expr) -> list[str]:
    """The class names of ``isinstance(x, A | b.B)``; empty for any other test."""
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance"):
        return []
    names: list[str] = []

    def add(node: ast.expr) -> None:
        if isinstance(node, ast.BinOp):
            add(node.left)
            add(node.right)
        elif isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)

    add(test.args[1])
    return names


def _strings_reached(nodes: list[ast.stmt], functions: dict[str, ast.FunctionDef], seen: set[str]) -> set[str]:
    """String literals in these statements and in the module functions they call, transitively."""
    out: set[str] = set()
    for stmt in nodes:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions
                  and node.func.id not in seen):
                seen.add(node.func.id)
                out |= _strings_reached(functions[node.func.id].body, functions, seen)
    return out


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def transform_callbacks() -> dict[str, set[str]]:
    """Payload ``type`` (``...Callback``) → the event classes ``transform()`` turns into it."""
    functions = _functions(_tree(TRANSFORM))
    out: dict[str, set[str]] = {}
    for stmt in functions["transform"].body:
        if isinstance(stmt, ast.If) and (classes := _isinstance_classes(stmt.test)):
            for text in _strings_reached(stmt.body, functions, set()):
                if text.endswith("Callback"):
                    out.setdefault(text, set()).update(classes)
    return out


def transform_contents() -> dict[str, set[str]]:
    """ReceivedCallback content key (``image``...) → the content classes ``content_object()`` shows as it."""
    functions = _functions(_tree(TRANSFORM))
    out: dict[str, set[str]] = {}
    for stmt in functions["content_object"].body:
        if not (isinstance(stmt, ast.If) and (classes := _isinstance_classes(stmt.test))):
            continue
        for node in stmt.body:
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                key = node.value.elts[0]
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    out.setdefault(key.value, set()).update(classes)
    return out


def transform_strings() -> set[str]:
    return code_facts([TRANSFORM]).strings


def engine_facts() -> dict[str, CodeFacts]:
    return {engine: code_facts(paths) for engine, paths in ENGINE_SOURCES.items()}


def as_json(value: Any) -> Any:  # pragma: no cover - a debugging aid
    return {k: sorted(v) for k, v in value.items()} if isinstance(value, dict) else value
