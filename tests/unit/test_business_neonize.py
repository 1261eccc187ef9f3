"""WhatsApp Business labels, notes and company profile on the neonize engine: every call is a 501 naming what
neonize 0.5.2 lacks, raised before anything reaches the client (its methods replaced by recorders); the gaps
are mapped to the routes that meet them; what the binary really exports backs the reasons."""

from __future__ import annotations

import ctypes
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

import neonize
import pytest

from gateway.api.engine_support import NEONIZE_ROUTE_GAPS
from gateway.core.business import BusinessHours, ProfileChange, ProfileField
from gateway.core.engine_gaps import NeonizeGap
from gateway.core.errors import Unsupported
from gateway.worker.business import run_business_op
from gateway.worker.engines.neonize.engine import NeonizeEngine
from tests.support.neonize import ALICE
from tests.support.neonize_engine import offline_engine

CHAT = f"{ALICE}@s.whatsapp.net"
BUSINESS_GAPS = (NeonizeGap.LABELS_READ, NeonizeGap.LABELS_WRITE, NeonizeGap.CHAT_NOTES,
                 NeonizeGap.BUSINESS_PROFILE_READ, NeonizeGap.BUSINESS_PROFILE_WRITE, NeonizeGap.BUSINESS_CATEGORIES)


@pytest.fixture
async def engine() -> AsyncIterator[NeonizeEngine]:
    yield offline_engine("NZBIZ")


async def test_every_business_call_is_a_501_and_nothing_is_sent(engine: NeonizeEngine) -> None:
    calls: list[str] = []
    for method in ("send_app_state", "get_user_info", "send_message", "is_on_whatsapp"):
        setattr(engine.client, method, lambda *a, _m=method, **k: calls.append(_m))
    hours = BusinessHours("UTC", "open24h")
    lacking: dict[NeonizeGap, list[Coroutine[Any, Any, object]]] = {
        NeonizeGap.LABELS_READ: [engine.list_tags()],
        NeonizeGap.LABELS_WRITE: [engine.create_tag("VIP", 1), engine.edit_tag("1", "x", None),
                                  engine.delete_tag("1"), engine.tag_chat(CHAT, "1", True),
                                  engine.tag_chat(CHAT, "1", False)],
        NeonizeGap.CHAT_NOTES: [engine.set_chat_note(CHAT, "oi")],
        NeonizeGap.BUSINESS_PROFILE_READ: [engine.business_profile(None), engine.business_profile(ALICE)],
        NeonizeGap.BUSINESS_PROFILE_WRITE: [engine.set_business_profile(ProfileChange(ProfileField.HOURS,
                                                                                      hours=hours))],
        NeonizeGap.BUSINESS_CATEGORIES: [engine.business_categories("tec")],
    }
    for gap, pending in lacking.items():
        for call in pending:
            with pytest.raises(Unsupported) as err:
                await call
            assert err.value.http_status() == 501 and "neonize 0.5.2" in err.value.message, gap
    assert calls == []


async def test_the_worker_carries_the_501(engine: NeonizeEngine) -> None:
    with pytest.raises(Unsupported, match="label cannot be created"):
        await run_business_op(engine, {"op": "create_tag", "name": "VIP", "color": None})
    with pytest.raises(Unsupported, match="company websites cannot be changed"):
        await run_business_op(engine, {"op": "set_profile", "change": {"field": "websites",
                                                                       "websites": ["https://a.io"]}})


def test_each_gap_names_its_routes() -> None:
    named = {g.gap for gaps in NEONIZE_ROUTE_GAPS.values() for g in gaps}
    assert set(BUSINESS_GAPS) <= named
    assert NEONIZE_ROUTE_GAPS[("GET", "/tags")][0].gap is NeonizeGap.LABELS_READ
    assert NEONIZE_ROUTE_GAPS[("PUT", "/chats/{phone}/tags/{tagId}/add")][0].gap is NeonizeGap.LABELS_WRITE
    assert NEONIZE_ROUTE_GAPS[("POST", "/business/hours")][0].gap is NeonizeGap.BUSINESS_PROFILE_WRITE


def test_the_reasons_hold_for_the_installed_binary() -> None:
    """GetBusinessProfile is named by neonize's binder but not exported; no raw IQ call either."""
    lib = ctypes.CDLL(str(Path(neonize.__file__).parent / "neonize-linux-amd64.so"))
    assert hasattr(lib, "SendAppState") and hasattr(lib, "GetUserInfo")
    for missing in ("GetBusinessProfile", "SendIQ", "SetBusinessProfile"):
        assert not hasattr(lib, missing), missing
    from neonize.events import EVENT_TO_INT

    names = [str(event) for event in EVENT_TO_INT]
    assert any("Message" in n for n in names)
    assert not [n for n in names if "Label" in n or "NoteEdit" in n]
