"""Poll votes named before they are transformed.

WhatsApp sends a vote as the sha256 of each chosen option's name; an engine that cannot decrypt it to names
emits ``c.PollVote(options=(), option_hashes=...)``. Dispatch keeps every poll it sees (``polls`` table,
written with the events) and, before the transform, maps each hash back to the option whose name hashes to
it, from the polls of the same batch or from Postgres. A vote whose poll is unknown keeps ``options`` empty;
the hashes themselves are never sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from gateway.core import content as c
from gateway.core.events import EngineEvent, Envelope, MessageReceived, MessageSent

PollKey = tuple[str, str]  # (instance id, poll message id)
OptionsLookup = Callable[[list[PollKey]], Awaitable[dict[PollKey, tuple[str, ...]]]]


def _message(event: EngineEvent) -> MessageReceived | None:
    if isinstance(event, MessageReceived):
        return event
    if isinstance(event, MessageSent) and not event.error:
        return event.message
    return None


def poll_of(event: EngineEvent) -> tuple[str, tuple[str, ...]] | None:
    """The poll an event carries: (its message id, its options)."""
    m = _message(event)
    if m is None or not isinstance(m.content, c.Poll):
        return None
    message_id = event.message_id if isinstance(event, MessageSent) and event.message_id else m.message_id
    return (message_id, m.content.options) if message_id else None


def unnamed_vote(event: EngineEvent) -> c.PollVote | None:
    """A vote that came as hashes only."""
    m = _message(event)
    if m is None or not isinstance(m.content, c.PollVote):
        return None
    vote = m.content
    return vote if vote.option_hashes and not vote.options else None


def option_names(hashes: tuple[str, ...], options: tuple[str, ...]) -> tuple[str, ...]:
    """The options whose sha256 (hex) is among ``hashes``, in the vote's order; unknown hashes are left out."""
    by_hash = {hashlib.sha256(o.encode()).hexdigest(): o for o in options}
    return tuple(by_hash[h.lower()] for h in hashes if h.lower() in by_hash)


def named(env: Envelope, polls: dict[PollKey, tuple[str, ...]]) -> Envelope:
    """The envelope with its vote named, when the vote's poll is in ``polls`` (else unchanged)."""
    vote = unnamed_vote(env.event)
    options = polls.get((env.instance_id, vote.poll_message_id)) if vote is not None else None
    if vote is None or options is None:
        return env
    content = replace(vote, options=option_names(vote.option_hashes, options))
    event = env.event
    if isinstance(event, MessageReceived):
        return replace(env, event=replace(event, content=content))
    if isinstance(event, MessageSent) and event.message is not None:
        return replace(env, event=replace(event, message=replace(event.message, content=content)))
    return env


async def name_votes(envelopes: Sequence[Envelope | None], lookup: OptionsLookup) -> list[Envelope | None]:
    """Every vote of the batch named from the batch's own polls, then from Postgres for the rest."""
    wanted = {(e.instance_id, v.poll_message_id) for e in envelopes
              if e is not None and (v := unnamed_vote(e.event)) is not None}
    if not wanted:
        return list(envelopes)
    polls: dict[PollKey, tuple[str, ...]] = {}
    for e in envelopes:
        if e is not None and (poll := poll_of(e.event)) is not None:
            polls[(e.instance_id, poll[0])] = poll[1]
    missing = sorted(wanted - polls.keys())
    if missing:
        polls.update(await lookup(missing))
    return [named(e, polls) if e is not None else None for e in envelopes]
