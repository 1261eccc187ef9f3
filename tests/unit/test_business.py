"""The pure rules of WhatsApp Business input (labels, hours, websites, e-mails, categories), the Z-API answer
shapes, the sandbox's business state, and the codec round trip the worker and the api rely on."""

from __future__ import annotations

import pytest

from gateway.api.business_views import category_view, profile_view, tag_view
from gateway.core.business import (
    BusinessHours,
    BusinessProfile,
    Category,
    OpenHours,
    ProfileChange,
    ProfileField,
    Tag,
    parse_category_refs,
    parse_color,
    parse_email,
    parse_hours,
    parse_tag_id,
    parse_tag_name,
    parse_website,
    parse_websites,
)
from gateway.core.errors import InvalidInput
from gateway.core.events import from_plain, to_plain
from gateway.worker.engines.sandbox.business_state import (
    CATEGORIES,
    Labels,
    find_category,
    new_note,
    profile_of,
    search_categories,
)


def _field(call: object) -> str:
    assert callable(call)
    with pytest.raises(InvalidInput) as err:
        call()
    return err.value.field


def test_label_ids_names_and_colors() -> None:
    assert parse_tag_id("7") == "7" and parse_tag_id(12) == "12" and parse_tag_id(" 007 ") == "7"
    for bad in ("", "a1", "-1", "1.5", True, None, "12345678901", 3.0):
        assert _field(lambda bad=bad: parse_tag_id(bad)) == "tagId", bad
    assert parse_color(0) == 0 and parse_color("19") == 19 and parse_color(4.0) == 4
    for bad in (20, -1, "azul", True, 1.5, None, "1000"):
        assert _field(lambda bad=bad: parse_color(bad)) == "color", bad
    assert parse_tag_name("  VIP ") == "VIP"
    for bad in (None, "", "   ", 3, "x" * 101):
        assert _field(lambda bad=bad: parse_tag_name(bad)) == "name", bad


def test_emails_and_websites() -> None:
    assert parse_email(" loja@example.com.br ") == "loja@example.com.br" and parse_email("") == ""
    for bad in ("loja", "loja@", "@example.com", "a b@example.com", "loja@example", "x" * 120 + "@example.com"):
        assert _field(lambda bad=bad: parse_email(bad)) == "value", bad
    assert parse_website("example.org/loja?x=1", "w") == "https://example.org/loja?x=1"
    assert parse_website("http://sub.example.com:8080/", "w") == "http://sub.example.com:8080/"
    websites: tuple[object, ...] = ("", "ftp://example.org", "https://localhost", "https://exa mple.org",
                                    "https://[::1]/", "https://example.org:99999", "javascript:alert(1)",
                                    "https://" + "a" * 250 + ".com", 7)
    for site in websites:
        assert _field(lambda site=site: parse_website(site, "w")) == "w", site
    assert parse_websites(["a.io", "https://a.io"]) == ("https://a.io",)  # the same site once
    assert parse_websites([]) == ()
    assert _field(lambda: parse_websites(["a.io", "b.io", "c.io"])) == "websites"
    assert _field(lambda: parse_websites(["a.io", None])) == "websites.1"


def test_business_hours() -> None:
    hours = parse_hours("America/Sao_Paulo", None, [
        {"dayOfWeek": "tuesday", "openTime": "14:00", "closeTime": "24:00"},
        {"dayOfWeek": "TUESDAY", "openTime": "08:00", "closeTime": "12:00"},
        {"dayOfWeek": "SUNDAY", "openTime": "10:00", "closeTime": "14:00"}])
    assert hours == BusinessHours("America/Sao_Paulo", "specificHours", (
        OpenHours("SUNDAY", "10:00", "14:00"), OpenHours("TUESDAY", "08:00", "12:00"),
        OpenHours("TUESDAY", "14:00", "24:00")))
    assert parse_hours("UTC", "appointmentOnly", []).days == ()
    assert parse_hours("UTC", "open24h", [{"dayOfWeek": "MONDAY"}]).days == (OpenHours("MONDAY"),)
    day = {"dayOfWeek": "MONDAY", "openTime": "08:00", "closeTime": "12:00"}
    refused = {
        "timezone": (None, None, []), "mode": ("UTC", "sometimes", []), "days": ("UTC", None, {"a": 1}),
        "days.0.dayOfWeek": ("UTC", None, [{**day, "dayOfWeek": "MON"}]),
        "days.0.openTime": ("UTC", None, [{**day, "openTime": "24:00"}]),
        "days.0.closeTime": ("UTC", None, [{**day, "closeTime": "08:00"}]),
        "days.1": ("UTC", None, [day, {**day, "openTime": "11:59", "closeTime": "13:00"}]),
    }
    for field, (zone, mode, days) in refused.items():
        assert _field(lambda z=zone, m=mode, d=days: parse_hours(z, m, d)) == field
    assert _field(lambda: parse_hours("America/Nowhere", None, [])) == "timezone"
    touching = parse_hours("UTC", None, [day, {**day, "openTime": "12:00", "closeTime": "13:00"}])
    assert len(touching.days) == 2  # one closes when the other opens: no overlap
    twice = [{"dayOfWeek": "MONDAY"}, {"dayOfWeek": "MONDAY"}]
    assert _field(lambda: parse_hours("UTC", "open24h", twice)) == "days.1"


def test_category_refs_and_the_sandbox_catalogue() -> None:
    assert parse_category_refs(["RESTAURANT", " 629412378414563 ", "RESTAURANT"]) == ("RESTAURANT", "629412378414563")
    for bad, field in (([], "categories"), (["a", "b", "c", "d"], "categories"), ("RESTAURANT", "categories"),
                       ([""], "categories.0"), (["ok", 5], "categories.1")):
        assert _field(lambda bad=bad: parse_category_refs(bad)) == field
    assert find_category("restaurant") == find_category(find_category("RESTAURANT").id)  # type: ignore[union-attr]
    assert find_category("Restaurante") is None  # by id or label, not by display name
    assert [c.label for c in search_categories("servico")] == [None, "EVENT_PLANNING", "PROFESSIONAL_SERVICES",
                                                              "PUBLIC_SERVICE"]  # accents and case ignored
    assert search_categories("") == list(CATEGORIES)
    assert len({c.id for c in CATEGORIES}) == len(CATEGORIES)


def test_sandbox_labels_and_notes() -> None:
    labels = Labels.predefined()
    assert [t.id for t in labels.tags()] == ["1", "2", "3", "4", "5"] and labels.next_id == 6
    assert labels.free_color() == 4 and labels.named("PAGO") and not labels.named("Pago", but="4")
    assert Labels.from_state(labels.to_state()) == labels
    note = new_note("I1", "5511988881111@s.whatsapp.net", "oi", 1700000000000)
    assert len(note.id) == 44 and note.id.endswith("=") and note.created_ms == note.updated_ms
    assert profile_of("5511988881111") is None
    shop = profile_of("5521900000202")
    assert shop is not None and shop.description.startswith("Doces da Vila") and shop.hours is not None


def test_answers_are_zapi_shaped() -> None:
    assert tag_view(Tag("1", "Novo cliente", 1)) == {"id": "1", "name": "Novo cliente", "color": 1}
    assert category_view(Category("1223524174334504", "Serviço automotivo")) == {
        "displayName": "Serviço automotivo", "id": "1223524174334504"}
    profile = BusinessProfile(description="d", websites=("https://a.io",), categories=(
        Category("629412378414563", "Outras empresas", "OTHER_COMPANIES"),), hours=BusinessHours(
        "UTC", "open24h", (OpenHours("MONDAY"),)))
    assert profile_view(profile) == {
        "description": "d", "address": "", "email": "", "websites": ["https://a.io"],
        "categories": [{"displayName": "Outras empresas", "id": "629412378414563", "label": "OTHER_COMPANIES"}],
        "businessHours": {"timezone": "UTC", "days": [{"dayOfWeek": "MONDAY"}], "mode": "open24h"},
        "hasCoverPhoto": False}
    assert profile_view(BusinessProfile())["businessHours"] is None


def test_the_codec_carries_business_types() -> None:
    change = ProfileChange(field=ProfileField.HOURS, hours=BusinessHours("UTC", "specificHours", (
        OpenHours("MONDAY", "08:00", "12:00"),)))
    assert from_plain(ProfileChange, to_plain(change)) == change
    profile = BusinessProfile(categories=(Category("1", "Um", "UM"),), websites=("https://a.io",))
    assert from_plain(BusinessProfile, to_plain(profile)) == profile
