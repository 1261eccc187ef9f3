"""``make profile``'s reading of py-spy's folded stacks."""

from __future__ import annotations

from tests.bench.profile import frame_name, render_role, summarize

LOOP = "_run_once (/usr/lib/python3.11/asyncio/base_events.py:1922)"
WRITE = "write (/usr/lib/python3.11/asyncio/selector_events.py:{})"
POST = "post (/x/.venv/lib/python3.11/site-packages/aiohttp/client.py:5)"
PERSIST = "persist (/srv/dispatch/store.py:{})"
FOLDED = "\n".join([f"{LOOP};{WRITE.format(1067)} 30", f"{LOOP};{POST};{WRITE.format(1070)} 10",
                    f"{LOOP};{PERSIST.format(140)};{PERSIST.format(160)} 60", "not a sample line"])


def test_a_function_counts_once_per_sample_whatever_its_lines() -> None:
    profile = summarize(FOLDED)
    assert profile.samples == 100
    assert profile.inclusive["write (std/asyncio/selector_events.py)"] == 40
    assert profile.inclusive["persist (/srv/dispatch/store.py)"] == 60  # recursion is not counted twice
    assert profile.self_["write (std/asyncio/selector_events.py)"] == 40
    assert profile.inclusive["post (aiohttp/client.py)"] == 10


def test_frames_are_named_by_function_and_short_path() -> None:
    assert frame_name("fetch (/a/b/site-packages/nats/js/client.py:1180)") == "fetch (nats/js/client.py)"
    assert frame_name("<module> (<frozen runpy>)") == "<module> (<frozen runpy>)"


def test_the_table_leaves_out_frames_on_nearly_every_stack() -> None:
    text = "\n".join(render_role("dispatch under the inbound benchmark", summarize(FOLDED)))
    assert "_run_once" not in text  # 100% inclusive, never at the top
    assert "`persist (/srv/dispatch/store.py)` | 60.0%" in text
    assert "100 samples" in text
