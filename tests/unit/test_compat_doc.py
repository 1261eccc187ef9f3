"""docs/compatibility.md is generated from the code and the Z-API list, and the facts it rests on hold together."""

from __future__ import annotations

import ast
import re

from gateway.api.account import PREFIX
from gateway.api.engine_support import NEONIZE_ROUTE_GAPS
from gateway.api.zapi_surface import ENDPOINTS
from gateway.api.zapi_webhooks import CALLBACKS, CONTENTS, NOTIFICATIONS
from gateway.core.engine_gaps import REASONS, NeonizeGap
from tests.support.compat_code import ENGINE_SOURCES, ROOT, app_routes, engine_facts, route_key
from tests.support.compat_doc import DOC, ENGINES, Notes, counts, render, rows

NOTIFICATION_SHAPE = re.compile(r"(GROUP|CALL|PROFILE|CHAT_LABEL|MEMBERSHIP|REVOKED|NEWSLETTER_ADMIN)_[A-Z_]*[A-Z]")


def test_compatibility_doc_is_generated_from_the_code() -> None:
    assert DOC.read_text() == render(), "run: python -m tests.support.compat_doc"


def test_the_counts_add_up() -> None:
    """The page's numbers (printed here for notes and changelogs) are consistent with each other."""
    routes = app_routes()
    n = counts(rows(routes, Notes()))
    print("compatibility counts:", n)
    assert n["listed"] == len(ENDPOINTS) == n["routed"] + n["missing"]
    for engine in ENGINES:
        assert n[f"{engine}_works"] + n[f"{engine}_partly"] + n[f"{engine}_501"] == n["routed"]
    refused_everywhere = sum(1 for e in ENDPOINTS if (r := routes.get(route_key(
        e.method, e.path if e.partner else PREFIX + e.path))) is not None and r.unsupported)
    assert n["sandbox_501"] == refused_everywhere  # the sandbox refuses only what no linked device can do
    assert n["neonize_501"] == refused_everywhere + sum(
        1 for gaps in NEONIZE_ROUTE_GAPS.values() if any(g.whole for g in gaps))


def test_the_z_api_list_has_no_duplicates() -> None:
    keys = [(e.method, re.sub(r"\{[^}]*\}", "{}", e.path)) for e in ENDPOINTS]
    assert len(keys) == len(set(keys))
    assert all(e.method in {"GET", "POST", "PUT", "DELETE"} and e.path.startswith("/") for e in ENDPOINTS)


def test_every_neonize_gap_is_placed_on_existing_z_api_routes() -> None:
    routes = app_routes()
    listed = {(e.method, e.path) for e in ENDPOINTS}
    placed = {g.gap for gaps in NEONIZE_ROUTE_GAPS.values() for g in gaps}
    assert placed == set(NeonizeGap) == set(REASONS)
    for method, path in NEONIZE_ROUTE_GAPS:
        assert (method, path) in listed, f"{method} {path} is not a Z-API endpoint"
        assert route_key(method, PREFIX + path) in routes, f"{method} {path} has no route"


def test_the_neonize_engine_raises_only_gaps_it_declares() -> None:
    """One source of truth: a new ``Unsupported(...)`` in the neonize engine must be a ``NeonizeGap`` (add it to
    gateway/core/engine_gaps.py and place it on its routes in gateway/api/engine_support.py). ``c.Unsupported``
    is another thing: a message content zapgate does not parse."""
    literal = []
    for path in (ROOT / "gateway" / "worker" / "engines" / "neonize").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Unsupported":
                literal.append(f"{path.name}:{node.lineno}")
    assert literal == []


def test_every_notification_kind_the_engines_emit_is_listed() -> None:
    listed = {kind for kind, _ in NOTIFICATIONS}
    for engine, facts in engine_facts().items():
        found = {s for s in facts.strings if NOTIFICATION_SHAPE.fullmatch(s)}
        assert found - listed == set(), f"{engine} emits notifications missing from zapi_webhooks.NOTIFICATIONS"
    assert ENGINE_SOURCES.keys() == set(ENGINES)


def test_the_webhook_lists_have_no_duplicates() -> None:
    for items in (CALLBACKS, NOTIFICATIONS, CONTENTS):
        names = [name for name, _ in items]
        assert len(names) == len(set(names))
