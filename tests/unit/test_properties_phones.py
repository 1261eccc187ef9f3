"""Properties of phone parsing: only 8-15 ASCII digits are a phone, and nothing but ``InvalidInput`` escapes."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.core.errors import InvalidInput
from gateway.core.phones import address, is_phone, phone_address, phone_to_jid, validate_phone

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None)
DIGITS = "0123456789"
# characters that look like digits or end a line: the cases a loose regex lets through
TRICKY = "\n\r +-\x00\ud800٣０¹߀@"
AFFIXES = ["", *TRICKY, "\r\n", "-group", "@lid", "@newsletter"]

phones = st.text(st.sampled_from(DIGITS), min_size=8, max_size=15)
near_phones = st.builds(lambda pre, digits, post: pre + digits + post, st.sampled_from(AFFIXES),
                        st.text(st.sampled_from(DIGITS), max_size=20), st.sampled_from(AFFIXES))
strings = (st.text(st.characters(exclude_categories=()) | st.sampled_from(TRICKY), max_size=30)
           | near_phones | phones)
anything = (strings | st.none() | st.booleans() | st.integers() | st.floats() | st.binary(max_size=20)
            | st.lists(phones, max_size=2) | st.dictionaries(strings, phones, max_size=2) | st.builds(object))


def is_ascii_phone(value: object) -> bool:
    return isinstance(value, str) and 8 <= len(value) <= 15 and all(ch in DIGITS for ch in value)


@PROPERTY
@given(strings)
def test_is_phone_is_exactly_8_to_15_ascii_digits(value: str) -> None:
    assert is_phone(value) == is_ascii_phone(value)


@PROPERTY
@given(anything)
def test_validate_phone_accepts_phones_and_raises_only_invalid_input(value: Any) -> None:
    try:
        accepted = validate_phone(value, "phone")
    except InvalidInput as exc:
        assert exc.field == "phone"
        assert not is_ascii_phone(value)
    else:
        assert is_ascii_phone(value) and accepted == value


@PROPERTY
@given(phones)
def test_phone_to_jid_round_trips(phone: str) -> None:
    jid = phone_to_jid(phone)
    assert jid == f"{phone}@s.whatsapp.net" == phone_address(phone).jid
    assert jid.partition("@")[0] == phone and address(jid).phone == phone


@PROPERTY
@given(anything)
def test_phone_to_jid_gives_a_plain_jid_or_invalid_input(value: Any) -> None:
    try:
        jid = phone_to_jid(value, "to")
    except InvalidInput as exc:
        assert exc.field == "to"
        return
    user, _, server = jid.partition("@")
    assert server in ("s.whatsapp.net", "g.us", "lid", "newsletter")
    assert user and all(ch in DIGITS or ch == "-" for ch in user)
    assert (server == "s.whatsapp.net") == is_ascii_phone(value)
