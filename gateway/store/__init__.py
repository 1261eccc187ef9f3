"""Postgres access (asyncpg lives only in this package and in ``dispatch.store``)."""
