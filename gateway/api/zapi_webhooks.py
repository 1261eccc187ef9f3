"""Z-API's webhook kinds, as data: payload types, ``notification`` values and ReceivedCallback content keys.

Source: the same ``Z-API/z-api-docs`` commit as ``gateway.api.zapi_surface`` (``docs/webhooks/*.md``): the
``type`` of each payload page, the ``notification`` values in ``on-message-received.md`` (its examples and its
"Notification Response" list) and the content objects of its examples. ``observed`` kinds are not in the
docs but arrive in real Z-API payloads; ``whatsapp`` kinds are WhatsApp's own names for group changes, which
zapgate sends like the documented ones (Z-API documents no name for those changes).
``tests/support/compat_doc.py`` marks which of them zapgate's transform and engines produce.
"""

from __future__ import annotations

CALLBACKS: tuple[tuple[str, str], ...] = (
    ("ReceivedCallback", "webhooks/on-message-received"),
    ("DeliveryCallback", "webhooks/on-message-send"),
    ("MessageStatusCallback", "webhooks/on-whatsapp-message-status-changes"),
    ("ConnectedCallback", "webhooks/on-webhook-connected"),
    ("DisconnectedCallback", "webhooks/on-whatsapp-disconnected"),
    ("PresenceChatCallback", "webhooks/on-chat-presence"),
)

# notification value -> where it comes from: "docs", "observed" or "whatsapp"
NOTIFICATIONS: tuple[tuple[str, str], ...] = (
    ("GROUP_CREATE", "docs"),
    ("GROUP_PARTICIPANT_ADD", "docs"),
    ("GROUP_PARTICIPANT_REMOVE", "docs"),
    ("GROUP_PARTICIPANT_LEAVE", "docs"),
    ("MEMBERSHIP_APPROVAL_REQUEST", "docs"),
    ("REVOKED_MEMBERSHIP_REQUESTS", "docs"),
    ("GROUP_MEMBER_LINK_PROPERTY_UPDATE", "docs"),
    ("CALL_VOICE", "docs"),
    ("CALL_VIDEO", "observed"),
    ("CALL_MISSED_VOICE", "docs"),
    ("CALL_MISSED_VIDEO", "docs"),
    ("REVOKE", "docs"),
    ("CIPHERTEXT", "docs"),
    ("E2E_ENCRYPTED", "docs"),
    ("BLUE_MSG_SELF_PREMISE_UNVERIFIED", "docs"),
    ("BLUE_MSG_SELF_PREMISE_VERIFIED", "docs"),
    ("BIZ_MOVE_TO_CONSUMER_APP", "docs"),
    ("PAYMENT_ACTION_REQUEST_DECLINED", "docs"),
    ("NEWSLETTER_ADMIN_PROMOTE", "docs"),
    ("NEWSLETTER_ADMIN_DEMOTE", "docs"),
    ("PROFILE_NAME_UPDATED", "docs"),
    ("PROFILE_PICTURE_UPDATED", "docs"),
    ("CHAT_LABEL_ASSOCIATION", "docs"),
    ("GROUP_PARTICIPANT_INVITE", "observed"),
    ("GROUP_PARTICIPANT_PROMOTE", "whatsapp"),
    ("GROUP_PARTICIPANT_DEMOTE", "whatsapp"),
    ("GROUP_CHANGE_SUBJECT", "whatsapp"),
    ("GROUP_CHANGE_DESCRIPTION", "whatsapp"),
    ("GROUP_CHANGE_ICON", "whatsapp"),
    ("GROUP_CHANGE_RESTRICT", "whatsapp"),
    ("GROUP_CHANGE_ANNOUNCE", "whatsapp"),
    ("GROUP_MEMBERSHIP_JOIN_APPROVAL_MODE", "whatsapp"),
)

# the content object keys of a ReceivedCallback (exactly one per message payload) -> "docs" or "observed"
CONTENTS: tuple[tuple[str, str], ...] = (
    *((key, "docs") for key in (
        "text", "image", "audio", "video", "document", "sticker", "location", "contact", "reaction", "poll",
        "pollVote", "buttonsResponseMessage", "listResponseMessage", "buttonsMessage", "hydratedTemplate",
        "pixKeyMessage", "carouselMessage", "product", "order", "reviewAndPay", "reviewOrder", "requestPayment",
        "sendPayment", "newsletterAdminInvite", "pinMessage", "event", "eventResponse", "statusImage")),
    ("ptv", "observed"),
    ("liveLocation", "observed"),
)
