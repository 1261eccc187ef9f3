"""Instance administration beyond sends and queries, as one router: Z-API's partner subscription paths
(``subscription``) and the per-instance proxy (``proxy``)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.api import proxy, subscription

router = APIRouter()
router.include_router(subscription.router)
router.include_router(proxy.router)
