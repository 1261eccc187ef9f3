"""HTML form bodies (``application/x-www-form-urlencoded``), read with the same bounds as the JSON API."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import Request

from gateway.core.errors import InvalidInput

MAX_FIELDS = 40
MAX_FORM_BYTES = 64 * 1024


async def read_form(request: Request) -> dict[str, str]:
    """The form's fields (the last value of a repeated one); a 400 for what no form of ours sends."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise InvalidInput(f"form is larger than {MAX_FORM_BYTES} bytes", field="body")
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput("form is not valid UTF-8 form data", field="body") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        if "\0" in name or "\0" in value:
            raise InvalidInput("must not contain NUL characters", field=name.replace("\0", "") or "body")
        form[name] = value
    return form
