"""Settling a future that a batch writer (``PersistBook``, ``AttemptBook``) hands its waiters."""

from __future__ import annotations

import asyncio
from typing import TypeVar

T = TypeVar("T")


def settle(done: asyncio.Future[T], outcome: T | BaseException) -> None:
    """Give ``done`` its result, or its exception; nothing if it is settled (or cancelled) already."""
    if done.done():
        return
    if isinstance(outcome, BaseException):
        done.set_exception(outcome)
        done.exception()  # a waiter that was cancelled meanwhile leaves it unretrieved: not an error
    else:
        done.set_result(outcome)
