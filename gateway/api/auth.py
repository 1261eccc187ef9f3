"""Partner (Bearer) and instance (id + token + Client-Token) authentication dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from gateway.api.state import AppState, app_state
from gateway.core.errors import (
    ClientTokenMissing,
    ClientTokenRejected,
    InstanceNotFound,
    PartnerUnauthorized,
)
from gateway.core.ids import hash_token, is_instance_id, token_matches
from gateway.core.models import Instance, Partner

State = Annotated[AppState, Depends(app_state)]


async def partner_auth(zg: State, authorization: Annotated[str | None, Header()] = None) -> Partner:
    if not authorization or not authorization[:7].lower() == "bearer ":
        raise PartnerUnauthorized("missing bearer partner token")
    presented = authorization[7:].strip()
    partner = await zg.instances.partner_by_token_hash(hash_token(presented))
    if partner is None:
        raise PartnerUnauthorized("invalid partner token")
    return partner


async def instance_auth(
    request: Request,
    zg: State,
    instance_id: Annotated[str, Path(max_length=64)],
    token: Annotated[str, Path(max_length=64)],
) -> Instance:
    """Check id+token (constant time against the stored hash) then the partner's Client-Token."""
    instance = await zg.instances.get(instance_id) if is_instance_id(instance_id) else None
    stored = instance.token_hash if instance else hash_token("\0no-instance")
    if not token_matches(token, stored) or instance is None:
        raise InstanceNotFound()
    presented = request.headers.get("client-token")
    if not presented:
        raise ClientTokenMissing()
    partner = await zg.instances.partner(instance.partner_id)
    if partner is None or not token_matches(presented, partner.client_token_hash):
        raise ClientTokenRejected(presented=presented)
    request.state.instance = instance
    return instance


PartnerDep = Annotated[Partner, Depends(partner_auth)]
InstanceDep = Annotated[Instance, Depends(instance_auth)]
