"""``make profile``'s reading of py-spy's folded stacks."""

from __future__ import annotations

from tests.bench.profile import OUT, frame_name, render_role, summarize

LOOP = "_run_once (/usr/lib/python3.11/asyncio/base_events.py:1922)"
WRITE = "write (/usr/lib/python3.11/asyncio/selector_events.py:{})"
POST = "post (/x/.venv/lib/python3.11/site-packages/aiohttp/client.py:5)"
PERSIST = "persist (" + str(OUT.parent) + "/dispatch/store.py:{})"
IMPORT = "_find_and_load (<frozen importlib._bootstrap>:1176)"
FOLDED = "\n".join([f"{LOOP};{WRITE.format(1067)} 30", f"{LOOP};{POST};{WRITE.format(1070)} 10",
                    f"{LOOP};{PERSIST.format(140)};{PERSIST.format(160)} 60", f"{IMPORT};{WRITE.format(1)} 7",
                    "not a sample line"])


def test_a_function_counts_once_per_sample_whatever_its_lines() -> None:
    profile = summarize(FOLDED)
    assert profile.samples == 100
    assert profile.startup == 7  # importing is not the role at work
    assert profile.inclusive["write (std/asyncio/selector_events.py)"] == 40
    assert profile.inclusive["persist (dispatch/store.py)"] == 60  # recursion is not counted twice
    assert profile.self_["write (std/asyncio/selector_events.py)"] == 40
    assert profile.inclusive["post (aiohttp/client.py)"] == 10


def test_frames_are_named_by_function_and_short_path() -> None:
    assert frame_name("fetch (/a/b/site-packages/nats/js/client.py:1180)") == "fetch (nats/js/client.py)"
    assert frame_name("<module> (<frozen runpy>)") == "<module> (<frozen runpy>)"


def test_the_table_shows_zapgates_code_on_the_stack_and_anyones_at_the_top() -> None:
    text = "\n".join(render_role("dispatch under the inbound benchmark", summarize(FOLDED)))
    assert "_run_once" not in text  # asyncio's, on every stack, never at the top
    assert "post (aiohttp" not in text  # a library's, not at the top
    assert "| `persist (dispatch/store.py)` | 60.0% | | `persist (dispatch/store.py)` | 60.0% |" in text
    assert "| `write (std/asyncio/selector_events.py)` | 40.0% |" in text
    assert "100 samples" in text
