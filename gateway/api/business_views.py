"""Our WhatsApp Business types → Z-API's answer shapes (pure)."""

from __future__ import annotations

from typing import Any

from gateway.core.business import BusinessHours, BusinessProfile, Category, Tag


def tag_view(t: Tag) -> dict[str, Any]:
    """A ``GET tags`` item: Z-API's example writes the color index as a number."""
    return {"id": t.id, "name": t.name, "color": t.color}


def category_view(c: Category) -> dict[str, Any]:
    """A category: ``label`` only when WhatsApp gives one (as Z-API's example shows)."""
    out: dict[str, Any] = {"displayName": c.display_name, "id": c.id}
    if c.label is not None:
        out["label"] = c.label
    return out


def hours_view(h: BusinessHours) -> dict[str, Any]:
    days = []
    for d in h.days:
        day: dict[str, Any] = {"dayOfWeek": d.day}
        if d.open is not None and d.close is not None:
            day["openTime"], day["closeTime"] = d.open, d.close
        days.append(day)
    return {"timezone": h.timezone, "days": days, "mode": h.mode}


def profile_view(p: BusinessProfile) -> dict[str, Any]:
    """``GET business/profile``: ``businessHours`` null when the business never set its hours."""
    return {"description": p.description, "address": p.address, "email": p.email, "websites": list(p.websites),
            "categories": [category_view(c) for c in p.categories],
            "businessHours": hours_view(p.hours) if p.hours is not None else None,
            "hasCoverPhoto": p.has_cover_photo}
