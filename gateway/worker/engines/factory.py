"""Build the engine an instance asks for (neonize is imported only when used)."""

from __future__ import annotations

from gateway.core.models import EngineKind
from gateway.worker.engines.base import Engine, EngineContext


def build_engine(kind: EngineKind, ctx: EngineContext) -> Engine:
    if kind is EngineKind.SANDBOX:
        from gateway.worker.engines.sandbox.engine import SandboxEngine

        return SandboxEngine(ctx)
    from gateway.worker.engines.neonize.engine import NeonizeEngine

    return NeonizeEngine(ctx)
