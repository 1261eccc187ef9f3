"""Where a message's file is (``MediaRef``): apart from ``content`` so every content module can use it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MediaRef:
    """Where a media file is: WhatsApp's encrypted copy (inbound) or our stored/fetched copy."""

    mime_type: str = ""
    file_length: int = 0
    sha256_hex: str = ""
    direct_path: str = ""
    url: str | None = None  # our stored URL once downloaded (or the partner's URL, outbound, before fetching)
    thumbnail_b64: str | None = None  # WhatsApp's embedded JPEG thumbnail
    media_key_b64: str = ""  # WhatsApp's decryption key (inbound)
    enc_sha256_hex: str = ""
    key: str = ""  # our media store key once stored
    thumbnail_url: str | None = None
    download_error: bool = False
    download_error_reason: str = ""  # set when the download is refused for good (``TOO_LARGE``); "" = may retry


TOO_LARGE = "TOO_LARGE"  # an inbound file over ``inbound_media_max_bytes``: declared, or seen while downloading
