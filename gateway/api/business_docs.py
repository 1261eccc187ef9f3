"""WhatsApp Business label, note and company profile bodies as the OpenAPI document shows them (schemas only;
routes parse by hand). Request bodies are documented inline (``newsletter_docs.inline_doc``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from gateway.api.bodies import Doc, text
from gateway.api.group_docs import example
from gateway.core.business import (
    LABEL_COLORS,
    MAX_ADDRESS,
    MAX_CATEGORIES,
    MAX_CATEGORY_REF,
    MAX_DESCRIPTION,
    MAX_EMAIL,
    MAX_HOURS,
    MAX_NOTE,
    MAX_TAG_NAME,
    MAX_WEBSITE,
    MAX_WEBSITES,
    MIN_CATEGORIES,
)

Color = Annotated[int, Field(ge=0, le=len(LABEL_COLORS) - 1, description="an index of business/tags/colors")]
Time = Annotated[str, Field(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$", description="HH:MM")]


class CreateTag(Doc):
    model_config = example({"name": "Nome da etiqueta", "color": 1})
    name: str = text(MAX_TAG_NAME, "the label's name (unique, any case)")
    color: Color | None = Field(None, description="default: the first color no label uses")


class EditTag(Doc):
    model_config = example({"name": "Nome da etiqueta", "color": 2})
    name: str | None = Field(None, min_length=1, max_length=MAX_TAG_NAME, pattern=r"\S",
                             description="the new name (name or color, at least one)")
    color: Color | None = None


class ChatNotes(Doc):
    model_config = example({"notes": "anotação"})
    notes: str = Field(max_length=MAX_NOTE, description="the chat's note; empty: remove it")


class CompanyDescription(Doc):
    model_config = example({"value": "Texto da descrição"})
    value: str = Field(max_length=MAX_DESCRIPTION, description="empty: remove the description")


class CompanyEmail(Doc):
    model_config = example({"value": "email@example.com"})
    value: str = Field(max_length=MAX_EMAIL, description="an e-mail address; empty: remove it")


class CompanyAddress(Doc):
    model_config = example({"value": "Endereço da empresa"})
    value: str = Field(max_length=MAX_ADDRESS, description="empty: remove the address")


class CompanyWebsites(Doc):
    model_config = example({"websites": ["https://example.com", "https://example2.org"]})
    websites: list[Annotated[str, Field(min_length=1, max_length=MAX_WEBSITE)]] = Field(
        max_length=MAX_WEBSITES, description="http(s) URLs; empty: remove them")


class OpenDay(Doc):
    dayOfWeek: Literal["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"]
    openTime: Time | None = Field(None, description="required with mode specificHours")
    closeTime: Time | None = Field(None, description="later than openTime; required with mode specificHours")


class BusinessHoursBody(Doc):
    model_config = example({"timezone": "America/Sao_Paulo", "mode": "specificHours", "days": [
        {"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "12:00"},
        {"dayOfWeek": "MONDAY", "openTime": "14:00", "closeTime": "18:00"}]})
    timezone: str = Field(min_length=1, max_length=64, description="an IANA time zone")
    mode: Literal["specificHours", "open24h", "appointmentOnly"] | None = Field(
        None, description="default specificHours")
    days: list[OpenDay] | None = Field(None, max_length=MAX_HOURS,
                                       description="empty: closed every day; intervals of a day must not overlap")


class CompanyCategories(Doc):
    model_config = example({"categories": ["RESTAURANT", "FINANCE", "629412378414563"]})
    categories: list[Annotated[str, Field(min_length=1, max_length=MAX_CATEGORY_REF)]] = Field(
        min_length=MIN_CATEGORIES, max_length=MAX_CATEGORIES,
        description="ids or labels from business/available-categories")


# --- answers -----------------------------------------------------------------------------------------

class TagView(Doc):
    model_config = example({"id": "1", "name": "Novo cliente", "color": 1})
    id: str
    name: str
    color: int


class CreatedTag(Doc):
    model_config = example({"id": "10"})
    id: str


class Succeeded(Doc):
    """Z-API's ``{"success": true}``."""

    model_config = example({"success": True})
    success: bool


class CategoryView(Doc):
    model_config = example({"displayName": "Outras empresas", "label": "OTHER_COMPANIES", "id": "629412378414563"})
    displayName: str
    id: str
    label: str | None = Field(None, description="only when WhatsApp gives one")


class DayView(Doc):
    dayOfWeek: str
    openTime: str | None = None
    closeTime: str | None = None


class HoursView(Doc):
    timezone: str
    days: list[DayView]
    mode: str


class ProfileView(Doc):
    model_config = example({
        "description": "Z API - Asas para sua imaginação", "address": "Maringá", "email": "zapi@example.com",
        "websites": ["https://www.z-api.io"],
        "categories": [{"displayName": "Outras empresas", "label": "OTHER_COMPANIES", "id": "629412378414563"}],
        "businessHours": {"timezone": "America/Sao_Paulo", "mode": "specificHours", "days": [
            {"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "18:00"}]},
        "hasCoverPhoto": False})
    description: str
    address: str
    email: str
    websites: list[str]
    categories: list[CategoryView]
    businessHours: HoursView | None = Field(description="null: the business never set its hours")
    hasCoverPhoto: bool
