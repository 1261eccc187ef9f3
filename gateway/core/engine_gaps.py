"""What the neonize engine cannot do, and why: one list the engine raises from and the docs are generated from.

The neonize engine raises ``gap_error(NeonizeGap.X, ...)`` (a 501 ``Unsupported``) before it sends anything;
``gateway/api/engine_support.py`` says which Z-API routes meet each gap, so ``docs/compatibility.md`` shows
the same reasons the API answers. A gap is a limit of neonize 0.5.2 (the whatsmeow build it bundles), not of
WhatsApp: the sandbox engine does all of these.
"""

from __future__ import annotations

from enum import StrEnum

from gateway.core.errors import Unsupported

_APP_STATE = ("neonize 0.5.2 cannot send app-state patches (its send_app_state loses the patch type), and this "
              "is one; nothing was changed")


class NeonizeGap(StrEnum):
    CHAT_CHANGES = "chat-changes"
    ADDRESS_BOOK = "address-book"
    REPORT_CONTACT = "report-contact"
    PRIVACY_EXCEPTIONS_READ = "privacy-exceptions-read"
    PRIVACY_EXCEPTIONS_WRITE = "privacy-exceptions-write"
    JOIN_APPROVAL_MODE = "join-approval-mode"
    MEMBER_ADD_MODE = "member-add-mode"
    JOIN_REQUESTS = "join-requests"
    COMMUNITY_SETTINGS = "community-settings"
    COMMUNITY_DEACTIVATE = "community-deactivate"
    CHANNEL_EDIT = "channel-edit"
    CHANNEL_DELETE = "channel-delete"
    CHANNEL_SEARCH = "channel-search"
    CHANNEL_SETTINGS = "channel-settings"
    CHANNEL_ADMINS = "channel-admins"
    CHANNEL_MEDIA = "channel-media"
    CATALOG_READ = "catalog-read"
    CATALOG_EDIT = "catalog-edit"
    PRODUCT_MESSAGE = "product-message"
    ORDER_MESSAGE = "order-message"
    EVENT_EDIT = "event-edit"
    EVENT_RESPONSE = "event-response"
    EVENT_CALL_LINK = "event-call-link"
    LABELS_READ = "labels-read"
    LABELS_WRITE = "labels-write"
    CHAT_NOTES = "chat-notes"
    BUSINESS_PROFILE_READ = "business-profile-read"
    BUSINESS_PROFILE_WRITE = "business-profile-write"
    BUSINESS_CATEGORIES = "business-categories"


REASONS: dict[NeonizeGap, str] = {
    NeonizeGap.CHAT_CHANGES: _APP_STATE,
    NeonizeGap.ADDRESS_BOOK: _APP_STATE,
    NeonizeGap.REPORT_CONTACT: ("contacts cannot be reported with neonize 0.5.2 (it exports no report call); "
                                "nothing was sent"),
    NeonizeGap.PRIVACY_EXCEPTIONS_READ: ("the excepted contacts of a privacy setting cannot be read with neonize "
                                         "0.5.2 (its privacy settings carry values only)"),
    NeonizeGap.PRIVACY_EXCEPTIONS_WRITE: ("the excepted contacts of a privacy setting cannot be changed with "
                                          "neonize 0.5.2 (its set_privacy_setting sends the value only); nothing "
                                          "was changed"),
    NeonizeGap.JOIN_APPROVAL_MODE: ("requireAdminApproval cannot be changed with neonize 0.5.2 (it exports no "
                                    "SetGroupJoinApprovalMode); nothing was changed"),
    NeonizeGap.MEMBER_ADD_MODE: ("adminOnlyAddMember cannot be changed with neonize 0.5.2 (it exports no "
                                 "SetGroupMemberAddMode); nothing was changed"),
    NeonizeGap.JOIN_REQUESTS: ("join requests cannot be answered with neonize 0.5.2 (it exports no "
                               "UpdateGroupRequestParticipants)"),
    NeonizeGap.COMMUNITY_SETTINGS: ("who can add groups to a community cannot be changed with neonize 0.5.2 (it "
                                    "exports no call for the allow_non_admin_sub_group_creation setting, nor a "
                                    "raw IQ); nothing was changed"),
    NeonizeGap.COMMUNITY_DEACTIVATE: ("a community cannot be deactivated with neonize 0.5.2 (it exports no call "
                                      "for it, nor a raw IQ); nothing was changed. Its groups can be unlinked one "
                                      "by one (communities/unlink)"),
    NeonizeGap.CHANNEL_EDIT: ("a channel's name, description and picture cannot be changed with neonize 0.5.2 (its "
                              "whatsmeow has no newsletter update call); nothing was changed"),
    NeonizeGap.CHANNEL_DELETE: ("a channel cannot be deleted with neonize 0.5.2 (its whatsmeow has no newsletter "
                                "delete call); nothing was changed"),
    NeonizeGap.CHANNEL_SEARCH: ("the channel directory cannot be searched with neonize 0.5.2 (its whatsmeow has no "
                                "directory search call)"),
    NeonizeGap.CHANNEL_SETTINGS: ("a channel's reaction settings cannot be changed with neonize 0.5.2 (its "
                                  "whatsmeow has no newsletter settings call); nothing was changed"),
    NeonizeGap.CHANNEL_ADMINS: ("channel admins cannot be invited, accepted, revoked, removed or given the "
                                "ownership with neonize 0.5.2 (its whatsmeow has no newsletter admin calls); "
                                "nothing was sent"),
    NeonizeGap.CHANNEL_MEDIA: ("media cannot be posted in a channel with neonize 0.5.2 (its send_message cannot "
                               "pass the media handle of upload_newsletter); nothing was sent. Texts and other "
                               "messages without a file are posted"),
    NeonizeGap.CATALOG_READ: ("product catalogs and collections cannot be read with neonize 0.5.2 (whatsmeow has no "
                              "catalog call, and neonize exports no raw IQ to send WhatsApp's w:biz:catalog query)"),
    NeonizeGap.CATALOG_EDIT: ("a product catalog cannot be changed with neonize 0.5.2 (whatsmeow has no catalog "
                              "call, and neonize exports no raw IQ to send WhatsApp's w:biz:catalog query); nothing "
                              "was changed"),
    NeonizeGap.PRODUCT_MESSAGE: ("a product cannot be sent with neonize 0.5.2: a product message carries the "
                                 "product's title, price and image from the business catalog, which it cannot read "
                                 "(whatsmeow has no catalog call); nothing was sent"),
    NeonizeGap.ORDER_MESSAGE: ("an order's status or payment cannot be updated with neonize 0.5.2: WhatsApp shows an "
                               "update only with a <biz native_flow_name=\"order_status\"> stanza node, which neonize "
                               "adds for no message (it adds order_details to an order to pay) and its send_message "
                               "cannot add; nothing was sent"),
    NeonizeGap.EVENT_EDIT: ("an event cannot be edited with neonize 0.5.2: WhatsApp sends the edit encrypted with the "
                            "event's message secret (secretEncryptedMessage EVENT_EDIT), and neonize exports no call "
                            "that encrypts one or reads the secret from its device store (only poll votes: "
                            "build_poll_vote); nothing was sent"),
    NeonizeGap.EVENT_RESPONSE: ("an event cannot be answered with neonize 0.5.2: WhatsApp sends the answer encrypted "
                                "with the event's message secret (encEventResponseMessage), and neonize exports no "
                                "call that encrypts one or reads the secret from its device store (only poll votes: "
                                "build_poll_vote); nothing was sent"),
    NeonizeGap.EVENT_CALL_LINK: ("an event's call link cannot be made with neonize 0.5.2 (it exports no call-link "
                                 "creation); nothing was sent. The event goes without callLinkType"),
    NeonizeGap.LABELS_READ: ("WhatsApp Business labels cannot be listed with neonize 0.5.2: they arrive as app-state "
                             "label_edit mutations, which neonize does not forward (its EVENT_TO_INT has no LabelEdit "
                             "event) and whatsmeow does not keep"),
    NeonizeGap.LABELS_WRITE: ("WhatsApp Business labels are app-state patches (label_edit, label_jid) and neonize "
                              "0.5.2 cannot send app-state patches (its send_app_state loses the patch type); nothing "
                              "was changed"),
    NeonizeGap.CHAT_NOTES: ("chat notes are app-state patches (note_edit), for which whatsmeow has no builder, and "
                            "neonize 0.5.2 cannot send app-state patches (its send_app_state loses the patch type); "
                            "nothing was changed"),
    NeonizeGap.BUSINESS_PROFILE_READ: ("a business profile cannot be read with neonize 0.5.2: its Go core does not "
                                       "export whatsmeow's GetBusinessProfile (the Python binder names it, the "
                                       "library has no such symbol), nor a raw IQ"),
    NeonizeGap.BUSINESS_PROFILE_WRITE: ("the company profile cannot be changed with neonize 0.5.2: whatsmeow has no "
                                        "call for it (WhatsApp's clients send a w:biz IQ) and neonize exports no raw "
                                        "IQ; nothing was changed"),
    NeonizeGap.BUSINESS_CATEGORIES: ("WhatsApp's business categories cannot be listed with neonize 0.5.2: whatsmeow "
                                     "has no call for its category directory and neonize exports no raw IQ"),
}


def gap_error(gap: NeonizeGap, subject: str = "") -> Unsupported:
    """The 501 the neonize engine raises for ``gap``; ``subject`` names what was asked when it varies."""
    return Unsupported(f"{subject}: {REASONS[gap]}" if subject else REASONS[gap])
