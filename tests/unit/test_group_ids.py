"""Group ids in every form Z-API's docs use, and invite links."""

from __future__ import annotations

import pytest

from gateway.core.errors import InvalidInput
from gateway.core.groups import invite_code, parse_group_id


@pytest.mark.parametrize(("given", "jid"), [
    ("120363019502650977-group", "120363019502650977@g.us"),
    ("120363019502650977@g.us", "120363019502650977@g.us"),
    ("120363019502650977", "120363019502650977@g.us"),
    ("5511999999999-1623281429", "5511999999999-1623281429@g.us"),
    ("5511999999999-1623281429-group", "5511999999999-1623281429@g.us"),
])
def test_group_forms(given: str, jid: str) -> None:
    assert parse_group_id(given) == jid


@pytest.mark.parametrize("given", ["", "abc-group", "1234-group", "120363019502650977-group\n",
                                   "１２０３６３０１９５０２６５０９７７", "120363019502650977@s.whatsapp.net",
                                   None, 12])
def test_not_a_group(given: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_group_id(given, "groupId")
    assert caught.value.field == "groupId"


@pytest.mark.parametrize("link", ["https://chat.whatsapp.com/KNmcL17DqVA0sqkQ5LLA5",
                                  "chat.whatsapp.com/KNmcL17DqVA0sqkQ5LLA5", "KNmcL17DqVA0sqkQ5LLA5",
                                  "https://chat.whatsapp.com/KNmcL17DqVA0sqkQ5LLA5?x=1"])
def test_invite_codes(link: str) -> None:
    assert invite_code(link) == "KNmcL17DqVA0sqkQ5LLA5"
