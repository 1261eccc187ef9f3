"""Build the engine an instance asks for (neonize is imported only when used)."""

from __future__ import annotations

from gateway.engines.base import Engine, EngineContext
from gateway.models import EngineKind


def build_engine(kind: EngineKind, ctx: EngineContext) -> Engine:
    if kind is EngineKind.SANDBOX:
        from gateway.engines.sandbox import SandboxEngine

        return SandboxEngine(ctx)
    from gateway.engines.neonize.engine import NeonizeEngine

    return NeonizeEngine(ctx)
