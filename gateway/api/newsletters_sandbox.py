"""``POST sandbox/newsletter-event`` (sandbox instances only): someone else creates a channel, posts in one,
or changes who administers it; the rules and the body are in the worker's
``engines/sandbox/newsletters_events.py`` (and docs/newsletters.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from gateway.api import newsletter_docs as d
from gateway.api.account import Json
from gateway.api.auth import InstanceDep, State, instance_auth
from gateway.api.instance import control
from gateway.api.openapi import CLIENT_TOKEN, CONTROL_FAILS, INSTANCE_ERRORS
from gateway.core.commands import Action
from gateway.core.errors import InvalidInput
from gateway.core.models import EngineKind

router = APIRouter(prefix="/instances/{instance_id}/token/{token}/sandbox", tags=["sandbox"],
                   dependencies=[Depends(instance_auth), Depends(CLIENT_TOKEN)], responses=INSTANCE_ERRORS)


@router.post("/newsletter-event", **d.inline_doc(d.SandboxNewsletterEvent, ok=d.SandboxNewsletterEventAnswer,
                                                  fails=(*CONTROL_FAILS, 403)))
async def newsletter_event(instance: InstanceDep, zg: State, body: Json) -> dict[str, Any]:
    """Someone else acts on a channel; a post reaches the instance's webhooks with ``isNewsletter: true``, a
    promotion or demotion of the phone as ``NEWSLETTER_ADMIN_PROMOTE``/``_DEMOTE``."""
    if instance.engine is not EngineKind.SANDBOX:
        raise InvalidInput("sandbox routes only work for instances created with engine=sandbox", field="engine")
    if not isinstance(body, dict):
        raise InvalidInput("request body must be a JSON object", field="body")
    return await control(zg).call(instance.id, Action.SANDBOX_NEWSLETTER_EVENT, **body)
