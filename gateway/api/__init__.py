"""The api role: FastAPI app with Z-API, partner, sandbox and operations routes."""
