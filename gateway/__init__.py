"""zapgate: an unofficial multi-device WhatsApp gateway with a Z-API compatible API."""

__version__ = "0.1.0"
