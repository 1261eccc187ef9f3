"""Partner (Bearer) and instance (id + token + Client-Token) authentication dependencies.

A client address that fails too often is refused (429) before any token is looked up. Raw tokens live
only in the request: nothing here keeps them in a local variable or an exception."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from gateway.api.state import AppState, app_state
from gateway.core.errors import (
    AuthError,
    AuthThrottled,
    ClientTokenMissing,
    ClientTokenRejected,
    InstanceNotFound,
    PartnerUnauthorized,
)
from gateway.core.ids import hash_token, is_instance_id, mask, token_matches
from gateway.core.models import Instance, Partner

State = Annotated[AppState, Depends(app_state)]
_NO_INSTANCE = hash_token("\0no-instance")


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def refuse_blocked(request: Request, zg: AppState, remember: bool = False) -> str:
    """Refuse a blocked address; return the address to charge failures to.

    ``remember``: a clean answer may come from, and go to, the api's ``AuthCache`` (the send routes)."""
    address = _client(request)
    if zg.auth_guard is None or (remember and zg.auth_cache.address_clean(address)):
        return address
    if (left := await zg.auth_guard.blocked_for(address)) > 0:
        raise AuthThrottled("too many failed authentications from this address", retry_after_s=left)
    if remember:
        zg.auth_cache.keep_address_clean(address)
    return address


async def charge_failure(zg: AppState, address: str, error: AuthError) -> AuthError:
    zg.auth_cache.forget_address(address)
    if zg.auth_guard is not None:
        await zg.auth_guard.failed(address)
    return error


async def partner_auth(request: Request, zg: State,
                       authorization: Annotated[str | None, Header()] = None) -> Partner:
    address = await refuse_blocked(request, zg)
    if not authorization or not authorization[:7].lower() == "bearer ":
        raise await charge_failure(zg, address, PartnerUnauthorized("missing bearer partner token"))
    partner = await zg.instances.partner_by_token_hash(hash_token(authorization[7:].strip()))
    if partner is None:
        raise await charge_failure(zg, address, PartnerUnauthorized("invalid partner token"))
    return partner


async def instance_auth(
    request: Request,
    zg: State,
    instance_id: Annotated[str, Path(max_length=64)],
    token: Annotated[str, Path(max_length=64)],
) -> Instance:
    """Check id+token (constant time against the stored hash) then the partner's Client-Token."""
    return await authenticate(request, zg, instance_id, token, remember=False)


async def send_instance_auth(
    request: Request,
    zg: State,
    instance_id: Annotated[str, Path(max_length=64)],
    token: Annotated[str, Path(max_length=64)],
) -> Instance:
    """``instance_auth`` for the send routes: the instance lookup and the address check may come from the
    api's ``AuthCache`` (one second by default); the tokens are compared on every request all the same."""
    return await authenticate(request, zg, instance_id, token, remember=zg.auth_cache.enabled)


async def authenticate(request: Request, zg: AppState, instance_id: str, token: str, *, remember: bool) -> Instance:
    address = await refuse_blocked(request, zg, remember)
    found = zg.auth_cache.instance(instance_id) if remember else None
    if found is None and is_instance_id(instance_id):
        found = await zg.instances.with_partner(instance_id)
        if found is not None and remember:
            zg.auth_cache.keep_instance(*found)
    instance, partner = found if found is not None else (None, None)
    if not token_matches(token, instance.token_hash if instance else _NO_INSTANCE) or instance is None:
        raise await charge_failure(zg, address, InstanceNotFound())
    if not request.headers.get("client-token"):
        raise ClientTokenMissing()
    if partner is None or not token_matches(request.headers["client-token"], partner.client_token_hash):
        raise await charge_failure(zg, address, ClientTokenRejected(shown=mask(request.headers["client-token"])))
    request.state.instance = instance
    return instance


PartnerDep = Annotated[Partner, Depends(partner_auth)]
InstanceDep = Annotated[Instance, Depends(instance_auth)]
SendInstanceDep = Annotated[Instance, Depends(send_instance_auth)]
