"""Which tables the retention job prunes, and the per-table override syntax (pure; used by settings)."""

from __future__ import annotations

TABLES = ("delivery_attempts", "dead_letters", "deliveries", "events", "messages", "message_status_history",
          "instance_status_history", "outbox", "poison_events", "polls")


def parse_overrides(text: str) -> dict[str, int]:
    """``"events=7,messages=90"`` → {"events": 7, "messages": 90}; unknown tables or bad days are refused."""
    found: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        table, _, days = (s.strip() for s in part.partition("="))
        if table not in TABLES or not (days.isascii() and days.isdigit()) or int(days) < 1:
            raise ValueError(f"{part!r}: want <table>=<days>, tables: {', '.join(TABLES)}")
        found[table] = int(days)
    return found
