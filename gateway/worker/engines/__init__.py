"""Engines: one WhatsApp session each. ``neonize`` (real) and ``sandbox`` (simulated phone)."""
