"""Generate docs/configuration.md from the settings' field descriptions: python -m tests.support.config_doc

tests/unit/test_config_doc.py fails when the file and the settings drift apart.
"""

from __future__ import annotations

from pathlib import Path

from pydantic.fields import FieldInfo

from gateway.core.config import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"

HEAD = """# Configuration

Every setting is an environment variable `ZAPGATE_<NAME>` (pydantic-settings), read once when a process
starts and passed down; zapgate reads no `.env` file by itself (see `.env.example`). Defaults suit
`make up` on one machine. Unsafe or malformed values are refused at start with a message naming the
variable and exit code 78; with `ZAPGATE_ENV=production` the default secret key, short or missing
tokens and insecure webhooks are refused too.

This page is generated from the field descriptions in `gateway/core/config.py`
(`python -m tests.support.config_doc`); a unit test keeps the two equal.
"""

TAIL = """
`ZAPGATE_SEND_GAP_S` is seconds (`2`) or a range (`1-3`, random in it); `0` disables pacing.
`ZAPGATE_DB_SCHEMA`, `ZAPGATE_REDIS_PREFIX` and `ZAPGATE_NATS_PREFIX` isolate several stacks (or tests) on
the same servers.
"""


def _default(field: FieldInfo) -> str:
    if hasattr(field.default, "get_secret_value"):
        return "(secret)"
    if field.default is None:
        return "unset"
    value = field.default.value if hasattr(field.default, "value") else field.default
    return f"`{value}`"


def render() -> str:
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        meaning = (field.description or "").replace("|", "\\|")  # a bare | would split the cell
        rows.append(f"| `ZAPGATE_{name.upper()}` | {_default(field)} | {meaning} |")
    return HEAD + "\n" + "\n".join(rows) + "\n" + TAIL


def main() -> None:
    DOC.write_text(render())


if __name__ == "__main__":
    main()
