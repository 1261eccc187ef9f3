"""Z-API's published API surface, as data: every endpoint and webhook kind its public documentation names.

Source: the GitHub repository ``Z-API/z-api-docs`` (Z-API's official documentation site, Docusaurus), commit
``7021b8201a5b`` of 2026-04-08. Each endpoint comes from the method line (`` `METHOD` https://api.z-api.io/...``)
at the top of a Portuguese page ``docs/<section>/<page>.md`` (the English pages under ``i18n/en/`` are the same
set); one endpoint shared by several pages (``/modify-chat``, ``/send-text``) is listed once, and request
examples further down a page (literal ids, query strings) are not endpoints. Left out as documentation
artefacts: ``PUT /update-webhook-receive`` (a typo on the old ``webhooksConf`` page, whose heading says
``/update-webhook-received``) and ``GET /disallowed-contacts`` (an example missing its ``/privacy/`` prefix).
The webhook kinds come from ``docs/webhooks/*.md`` (the payload ``type`` values, the ``notification`` values
of ``on-message-received.md`` and its "Notification Response" list, and the content objects of its
examples), plus the kinds marked ``observed`` (seen in real Z-API payloads, not documented).

``tests/support/compat_doc.py`` matches this list against the app's routes and writes
``docs/compatibility.md``. Paths are relative to ``/instances/{instanceId}/token/{instanceToken}``, except the
partner routes that start with ``/instances`` (``Authorization: Bearer`` routes without an instance).
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = "GitHub Z-API/z-api-docs, commit 7021b8201a5b (2026-04-08), docs/<section>/<page>.md"
DOCS_URL = "https://developer.z-api.io"


@dataclass(frozen=True, slots=True)
class E:
    """One Z-API endpoint: its verb, its path (``{name}`` for a path parameter) and the page documenting it."""

    method: str
    path: str
    page: str
    note: str = ""

    @property
    def partner(self) -> bool:
        """A partner route: Bearer partner token, no instance in the path."""
        return self.path.startswith("/instances")


ENDPOINTS: tuple[E, ...] = (
    # instance
    E("PUT", "/update-auto-read-status", "instance/auto-read-status"),
    E("PUT", "/update-auto-read-message", "instance/auto-read"),
    E("PUT", "/update-call-reject-message", "instance/call-reject-message"),
    E("PUT", "/update-call-reject-auto", "instance/call-reject"),
    E("GET", "/device", "instance/device"),
    E("GET", "/disconnect", "instance/disconnect"),
    E("GET", "/me", "instance/me"),
    E("PUT", "/profile-description", "instance/profile-description"),
    E("PUT", "/profile-name", "instance/profile-name"),
    E("PUT", "/profile-picture", "instance/profile-picture"),
    E("GET", "/qr-code", "instance/qrcode"),
    E("GET", "/qr-code/image", "instance/qrcode"),
    E("GET", "/phone-code/{phone}", "instance/qrcode"),
    E("GET", "/restart", "instance/restart"),
    E("GET", "/restore-session", "instance/restore-session"),
    E("GET", "/status", "instance/status"),
    E("PUT", "/update-name", "instance/rename-instance"),
    # webhooks
    E("PUT", "/update-webhook-chat-presence", "webhooks/on-chat-presence"),
    E("PUT", "/update-webhook-received-delivery", "webhooks/on-message-received-notify-fromme"),
    E("PUT", "/update-webhook-received", "webhooks/on-message-received"),
    E("PUT", "/update-webhook-delivery", "webhooks/on-message-send"),
    E("PUT", "/update-webhook-disconnected", "webhooks/on-whatsapp-disconnected"),
    E("PUT", "/update-webhook-message-status", "webhooks/on-whatsapp-message-status-changes"),
    E("PUT", "/update-webhook-connected", "webhooks/on-webhook-connected"),
    E("PUT", "/update-every-webhooks", "webhooks/update-every-webhooks"),
    E("PUT", "/update-notify-sent-by-me", "webhooks/update-notify-sent-by-me"),
    # message
    E("POST", "/send-text", "message/send-message-text"),
    E("DELETE", "/messages", "message/delete-message"),
    E("POST", "/forward-message", "message/forward-message"),
    E("POST", "/read-message", "message/read-message"),
    E("POST", "/send-button-actions", "message/send-button-actions"),
    E("POST", "/send-button-list", "message/send-button-list"),
    E("POST", "/send-button-otp", "message/send-button-otp"),
    E("POST", "/send-button-pix", "message/send-button-pix"),
    E("POST", "/send-edit-event", "message/send-edit-event"),
    E("POST", "/send-event-response", "message/send-event-response"),
    E("POST", "/send-event", "message/send-event"),
    E("POST", "/send-audio", "message/send-message-audio"),
    E("POST", "/send-carousel", "message/send-message-carousel"),
    E("POST", "/send-catalog", "message/send-message-catalog"),
    E("POST", "/send-contact", "message/send-message-contact"),
    E("POST", "/send-document/{extension}", "message/send-message-document"),
    E("POST", "/send-gif", "message/send-message-gif"),
    E("POST", "/send-image", "message/send-message-image"),
    E("POST", "/send-link", "message/send-message-link"),
    E("POST", "/send-location", "message/send-message-location"),
    E("POST", "/send-contacts", "message/send-message-multiple-contacts"),
    E("POST", "/send-product", "message/send-message-product"),
    E("POST", "/send-ptv", "message/send-message-ptv"),
    E("POST", "/send-reaction", "message/send-message-reaction"),
    E("POST", "/send-sticker", "message/send-message-sticker"),
    E("POST", "/send-video", "message/send-message-video"),
    E("POST", "/send-newsletter-admin-invite", "message/send-newsletter-admin-invite"),
    E("POST", "/send-option-list", "message/send-option-list"),
    E("POST", "/send-order", "message/send-order"),
    E("POST", "/pin-message", "message/send-pin-message"),
    E("POST", "/send-poll-vote", "message/send-poll-vote"),
    E("POST", "/send-poll", "message/send-poll"),
    E("POST", "/send-remove-reaction", "message/send-remove-reaction"),
    E("POST", "/order-payment-update", "message/update-order-payment"),
    E("POST", "/order-status-update", "message/update-order-status"),
    # status
    E("POST", "/reply-status-gif", "status/reply-status-gif"),
    E("POST", "/reply-status-sticker", "status/reply-status-sticker"),
    E("POST", "/reply-status-text", "status/reply-status-text"),
    E("POST", "/send-image-status", "status/send-image-status"),
    E("POST", "/send-text-status", "status/send-text-status"),
    E("POST", "/send-video-status", "status/send-video-status"),
    # queue
    E("DELETE", "/queue/{zaapId}", "queue/delete-queue-id"),
    E("DELETE", "/queue", "queue/delete-queue"),
    E("GET", "/queue", "queue/get-queue"),
    E("GET", "/queue/count", "queue/get-queue"),
    E("POST", "/queue", "queue/post-queue"),
    # chats
    E("POST", "/modify-chat", "chats/archive-chat"),
    E("POST", "/send-chat-expiration", "chats/chat-expiration"),
    E("GET", "/chats", "chats/get-chats"),
    E("GET", "/chat-messages/{phone}", "chats/get-message-chats"),
    E("GET", "/chats/{phone}", "chats/get-metadata-chat"),
    # contacts
    E("POST", "/contacts/add", "contacts/add-contacts"),
    E("POST", "/contacts/modify-blocked", "contacts/block-contact"),
    E("GET", "/contacts", "contacts/get-contacts"),
    E("POST", "/phone-exists-batch", "contacts/get-iswhatsapp-batch"),
    E("GET", "/phone-exists/{phone}", "contacts/get-iswhatsapp"),
    E("GET", "/contacts/{phone}", "contacts/get-metadata-contact"),
    E("GET", "/profile-picture", "contacts/get-profile-picture"),
    E("DELETE", "/contacts/remove", "contacts/remove-contacts"),
    E("POST", "/contacts/{phone}/report", "contacts/report-contact"),
    # privacy
    E("GET", "/privacy/disallowed-contacts", "privacy/get-disallowed-contacts"),
    E("POST", "/privacy/group-add", "privacy/set-group-add"),
    E("POST", "/privacy/last-seen", "privacy/set-last-seen"),
    E("POST", "/privacy/messages-duration", "privacy/set-messages-duration"),
    E("POST", "/privacy/photo", "privacy/set-photo-visualization"),
    E("POST", "/privacy/description", "privacy/set-privacy-description"),
    E("POST", "/privacy/online", "privacy/set-privacy-online"),
    E("POST", "/privacy/read-receipts", "privacy/set-read-receipts"),
    # group
    E("POST", "/add-admin", "group/add-admin"),
    E("POST", "/add-participant", "group/add-participant"),
    E("POST", "/redefine-invitation-link/{groupId}", "group/redefine-invitation-link"),
    E("POST", "/remove-admin", "group/remove-admin"),
    E("POST", "/remove-participant", "group/remove-participant"),
    E("GET", "/accept-invite-group", "group/accept-group-invite"),
    E("POST", "/approve-participant", "group/approve-participant"),
    E("POST", "/create-group", "group/create-group"),
    E("GET", "/groups", "group/get-groups"),
    E("GET", "/group-invitation-link/{groupId}", "group/get-invitation-link"),
    E("GET", "/group-invitation-metadata", "group/group-invitation-metadata"),
    E("POST", "/leave-group", "group/leave-group"),
    E("GET", "/light-group-metadata/{groupId}", "group/light-metadata-group"),
    E("GET", "/group-metadata/{groupId}", "group/metadata-group"),
    E("POST", "/reject-participant", "group/reject-participant"),
    E("POST", "/update-group-description", "group/update-group-description"),
    E("POST", "/update-group-name", "group/update-group-name"),
    E("POST", "/update-group-photo", "group/update-group-photo"),
    E("POST", "/update-group-settings", "group/update-group-settings"),
    # communities
    E("GET", "/communities-metadata/{communityId}", "communities/community-metadata"),
    E("POST", "/communities/settings", "communities/community-settings"),
    E("POST", "/communities", "communities/create-community"),
    E("DELETE", "/communities/{communityId}", "communities/deactivate-community"),
    E("POST", "/communities/link", "communities/link-groups"),
    E("GET", "/communities", "communities/list-communities"),
    E("POST", "/communities/unlink", "communities/unlink-groups"),
    E("POST", "/update-community-description", "communities/update-community-description"),
    E("POST", "/update-community-photo", "communities/update-community-photo"),
    # newsletter
    E("POST", "/newsletter/accept-admin-invite/{newsletterId}", "newsletter/accept-newsletter-admin-invite"),
    E("POST", "/create-newsletter", "newsletter/create-newsletter"),
    E("DELETE", "/delete-newsletter", "newsletter/delete-newsletter"),
    E("PUT", "/follow-newsletter", "newsletter/follow-newsletter"),
    E("PUT", "/mute-newsletter", "newsletter/mute-newsletter"),
    E("GET", "/newsletter", "newsletter/newsletter-list"),
    E("GET", "/newsletter/metadata/{newsletterId}", "newsletter/newsletter-metadata"),
    E("POST", "/newsletter/remove-admin/{newsletterId}", "newsletter/remove-admin"),
    E("POST", "/newsletter/revoke-admin-invite/{newsletterId}", "newsletter/revoke-admin-invite"),
    E("POST", "/search-newsletter", "newsletter/search-newsletter"),
    E("POST", "/newsletter/transfer-ownership/{newsletterId}", "newsletter/transfer-ownership"),
    E("PUT", "/unfollow-newsletter", "newsletter/unfollow-newsletter"),
    E("PUT", "/unmute-newsletter", "newsletter/unmute-newsletter"),
    E("POST", "/update-newsletter-picture", "newsletter/update-channel-picture"),
    E("POST", "/newsletter/settings/{newsletterId}", "newsletter/update-newsletter-config"),
    E("POST", "/update-newsletter-description", "newsletter/update-newsletter-description"),
    E("POST", "/update-newsletter-name", "newsletter/update-newsletter-name"),
    # business
    E("POST", "/catalogs/collection/add-product", "business/add-product-to-collection"),
    E("GET", "/business/available-categories", "business/available-categories"),
    E("POST", "/catalogs/collection", "business/create-collection"),
    E("POST", "/business/create-tag", "business/create-tag"),
    E("DELETE", "/catalogs/collection/{collectionId}", "business/delete-collection"),
    E("DELETE", "/products/{productId}", "business/delete-product"),
    E("DELETE", "/business/tag/{tagId}", "business/delete-tag"),
    E("POST", "/catalogs/collection-edit/{collectionId}", "business/edit-collection"),
    E("POST", "/products", "business/edit-product"),
    E("POST", "/business/edit-tag/{tagId}", "business/edit-tag"),
    E("GET", "/products/{productId}", "business/get-product-id"),
    E("POST", "/catalogs/{phone}", "business/get-products-phone-v2"),
    E("GET", "/catalogs/{phone}", "business/get-products-phone"),
    E("POST", "/catalogs", "business/get-products-v2"),
    E("GET", "/catalogs", "business/get-products"),
    E("GET", "/business/tags/colors", "business/get-tags-colors"),
    E("GET", "/catalogs/collection-products/{phone}", "business/list-collection-products"),
    E("GET", "/catalogs/collection", "business/list-collections"),
    E("GET", "/business/profile", "business/profile"),
    E("POST", "/catalogs/collection/remove-product", "business/remove-product-from-collection"),
    E("POST", "/catalogs/config", "business/save-catalog-config"),
    E("POST", "/chats/{phone}/notes", "business/save-chats-notes"),
    E("POST", "/business/company-address", "business/set-address"),
    E("POST", "/business/hours", "business/set-business-hours"),
    E("POST", "/business/categories", "business/set-categories"),
    E("POST", "/business/company-description", "business/set-description"),
    E("POST", "/business/company-email", "business/set-email"),
    E("POST", "/business/company-websites", "business/set-websites"),
    E("PUT", "/chats/{phone}/tags/{tagId}/add", "business/tags-add"),
    E("PUT", "/chats/{phone}/tags/{tagId}/remove", "business/tags-remove"),
    E("GET", "/tags", "business/tags"),
    # calls
    E("GET", "/call-token", "calls/call-token"),
    E("POST", "/send-call", "calls/send-call"),
    E("GET", "/sip-info", "calls/sip-info"),
    E("POST", "/sip-token", "calls/sip-token"),
    # mobile
    E("POST", "/mobile/respond-captcha", "mobile/captcha-confirm"),
    E("POST", "/mobile/confirm-registration-code", "mobile/confirm-code"),
    E("POST", "/mobile/confirm-pin-code", "mobile/confirm-security-code"),
    E("POST", "/mobile/recovery-pin-code", "mobile/forgot-security-code"),
    E("GET", "/security/email", "mobile/get-account-email"),
    E("GET", "/security/two-fa-code", "mobile/get-has-security-code"),
    E("POST", "/mobile/registration-available", "mobile/registration-available"),
    E("POST", "/security/email/remove", "mobile/remove-account-email"),
    E("POST", "/security/two-fa-code/remove", "mobile/remove-security-code"),
    E("POST", "/mobile/request-registration-code", "mobile/request-code"),
    E("POST", "/mobile/request-unbanning", "mobile/request-unbanning"),
    E("POST", "/security/email", "mobile/set-account-email"),
    E("POST", "/security/two-fa-code", "mobile/set-security-code"),
    E("POST", "/security/verify-email", "mobile/verify-email"),
    # partner
    E("POST", "/instances/integrator/on-demand", "partner/create-instance"),
    E("POST", "/integrator/on-demand/subscription", "partner/sign-instance"),
    E("POST", "/integrator/on-demand/cancel", "partner/unsubscribe-instance"),
    E("PUT", "/integrator/on-demand/subscription/update", "partner/update-instance"),
    E("GET", "/instances", "partner/list-instances"),
    E("POST", "/group-invitation-link/{groupId}", "group/get-invitation-link",
      "the verb of json-examples/group-invitation-link.json (the page says GET)"),
)
