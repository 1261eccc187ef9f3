"""zapgate dispatch role: consumes the event stream, persists, transforms and delivers webhooks."""
