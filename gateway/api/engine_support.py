"""Which instance routes meet a neonize gap (``gateway.core.engine_gaps``): all of the route, or some uses of it.

The neonize engine raises the gap's error (501) itself; this table only says where, so
``docs/compatibility.md`` can show it. ``tests/unit/test_compat_doc.py`` checks every gap has a route here and
every route here exists. Paths are relative to the instance prefix, as in ``gateway.api.zapi_surface``.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.core.engine_gaps import REASONS, NeonizeGap


@dataclass(frozen=True, slots=True)
class RouteGap:
    gap: NeonizeGap
    whole: bool  # every call is refused (501); False: only the uses ``when`` names are
    when: str = ""

    @property
    def reason(self) -> str:
        return REASONS[self.gap]


_PRIVACY_LISTS = RouteGap(NeonizeGap.PRIVACY_EXCEPTIONS_WRITE, whole=False, when="with contactsBlacklist")
_CHANNEL_MEDIA = RouteGap(NeonizeGap.CHANNEL_MEDIA, whole=False, when="to a channel (<id>@newsletter)")

NEONIZE_ROUTE_GAPS: dict[tuple[str, str], tuple[RouteGap, ...]] = {
    ("POST", "/modify-chat"): (RouteGap(NeonizeGap.CHAT_CHANGES, whole=True),),
    ("POST", "/contacts/add"): (RouteGap(NeonizeGap.ADDRESS_BOOK, whole=True),),
    ("DELETE", "/contacts/remove"): (RouteGap(NeonizeGap.ADDRESS_BOOK, whole=True),),
    ("POST", "/contacts/{phone}/report"): (RouteGap(NeonizeGap.REPORT_CONTACT, whole=True),),
    ("GET", "/privacy/disallowed-contacts"): (RouteGap(NeonizeGap.PRIVACY_EXCEPTIONS_READ, whole=True),),
    ("POST", "/privacy/last-seen"): (_PRIVACY_LISTS,),
    ("POST", "/privacy/photo"): (_PRIVACY_LISTS,),
    ("POST", "/privacy/description"): (_PRIVACY_LISTS,),
    ("POST", "/privacy/group-add"): (_PRIVACY_LISTS,),
    ("POST", "/update-group-settings"): (
        RouteGap(NeonizeGap.JOIN_APPROVAL_MODE, whole=False, when="with requireAdminApproval"),
        RouteGap(NeonizeGap.MEMBER_ADD_MODE, whole=False, when="with adminOnlyAddMember")),
    ("POST", "/approve-participant"): (RouteGap(NeonizeGap.JOIN_REQUESTS, whole=True),),
    ("POST", "/reject-participant"): (RouteGap(NeonizeGap.JOIN_REQUESTS, whole=True),),
    ("POST", "/communities/settings"): (RouteGap(NeonizeGap.COMMUNITY_SETTINGS, whole=True),),
    ("DELETE", "/communities/{communityId}"): (RouteGap(NeonizeGap.COMMUNITY_DEACTIVATE, whole=True),),
    **{route: (RouteGap(gap, whole=True),) for route, gap in (
        (("POST", "/update-newsletter-name"), NeonizeGap.CHANNEL_EDIT),
        (("POST", "/update-newsletter-description"), NeonizeGap.CHANNEL_EDIT),
        (("POST", "/update-newsletter-picture"), NeonizeGap.CHANNEL_EDIT),
        (("DELETE", "/delete-newsletter"), NeonizeGap.CHANNEL_DELETE),
        (("POST", "/search-newsletter"), NeonizeGap.CHANNEL_SEARCH),
        (("POST", "/newsletter/settings/{newsletterId}"), NeonizeGap.CHANNEL_SETTINGS),
        (("POST", "/send-newsletter-admin-invite"), NeonizeGap.CHANNEL_ADMINS),
        (("POST", "/newsletter/accept-admin-invite/{newsletterId}"), NeonizeGap.CHANNEL_ADMINS),
        (("POST", "/newsletter/remove-admin/{newsletterId}"), NeonizeGap.CHANNEL_ADMINS),
        (("POST", "/newsletter/revoke-admin-invite/{newsletterId}"), NeonizeGap.CHANNEL_ADMINS),
        (("POST", "/newsletter/transfer-ownership/{newsletterId}"), NeonizeGap.CHANNEL_ADMINS))},
    **{("POST", f"/send-{kind}"): (_CHANNEL_MEDIA,) for kind in (
        "image", "audio", "video", "ptv", "sticker", "gif", "document/{extension}")},
    **{route: (RouteGap(NeonizeGap.CATALOG_READ, whole=True),) for route in (
        ("GET", "/catalogs"), ("POST", "/catalogs"), ("GET", "/catalogs/{phone}"), ("POST", "/catalogs/{phone}"),
        ("GET", "/products/{productId}"), ("GET", "/catalogs/collection"),
        ("GET", "/catalogs/collection-products/{phone}"))},
    **{route: (RouteGap(NeonizeGap.CATALOG_EDIT, whole=True),) for route in (
        ("POST", "/products"), ("DELETE", "/products/{productId}"), ("POST", "/catalogs/collection"),
        ("POST", "/catalogs/collection-edit/{collectionId}"), ("DELETE", "/catalogs/collection/{collectionId}"),
        ("POST", "/catalogs/collection/add-product"), ("POST", "/catalogs/collection/remove-product"),
        ("POST", "/catalogs/config"))},
    ("POST", "/send-product"): (RouteGap(NeonizeGap.PRODUCT_MESSAGE, whole=True),),
    **{("POST", path): (RouteGap(NeonizeGap.ORDER_MESSAGE, whole=True),) for path in (
        "/order-status-update", "/order-payment-update")},
    ("POST", "/send-event"): (RouteGap(NeonizeGap.EVENT_CALL_LINK, whole=False, when="with event.callLinkType"),),
    ("POST", "/send-edit-event"): (RouteGap(NeonizeGap.EVENT_EDIT, whole=True),),
    ("POST", "/send-event-response"): (RouteGap(NeonizeGap.EVENT_RESPONSE, whole=True),),
    ("GET", "/tags"): (RouteGap(NeonizeGap.LABELS_READ, whole=True),),
    **{route: (RouteGap(NeonizeGap.LABELS_WRITE, whole=True),) for route in (
        ("POST", "/business/create-tag"), ("POST", "/business/edit-tag/{tagId}"), ("DELETE", "/business/tag/{tagId}"),
        ("PUT", "/chats/{phone}/tags/{tagId}/add"), ("PUT", "/chats/{phone}/tags/{tagId}/remove"))},
    ("POST", "/chats/{phone}/notes"): (RouteGap(NeonizeGap.CHAT_NOTES, whole=True),),
    ("GET", "/business/profile"): (RouteGap(NeonizeGap.BUSINESS_PROFILE_READ, whole=True),),
    **{("POST", f"/business/{path}"): (RouteGap(NeonizeGap.BUSINESS_PROFILE_WRITE, whole=True),) for path in (
        "company-description", "company-email", "company-address", "company-websites", "hours", "categories")},
    ("GET", "/business/available-categories"): (RouteGap(NeonizeGap.BUSINESS_CATEGORIES, whole=True),),
}
