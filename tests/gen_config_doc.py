"""Regenerate the settings table in docs/configuration.md: python -m tests.gen_config_doc"""

from __future__ import annotations

from pathlib import Path

from gateway.core.config import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"


def table() -> list[str]:
    rows = ["| variable | default |", "|---|---|"]
    for name, field in Settings.model_fields.items():
        default = "(secret)" if hasattr(field.default, "get_secret_value") else field.default
        rows.append(f"| `ZAPGATE_{name.upper()}` | `{default}` |")
    return rows


def main() -> None:
    lines = DOC.read_text().splitlines()
    head = [ln for ln in lines if not ln.startswith("|")]
    split = next(i for i, ln in enumerate(head) if ln.startswith("`ZAPGATE_SEND_GAP_S`"))
    DOC.write_text("\n".join([*head[:split], *table(), "", *head[split:]]) + "\n")


if __name__ == "__main__":
    main()
